"""The workloads in Python, in the plain style the articles teach: each task
computes exactly the checksum of its C version (benchmarks/*.c), so that
every py-* strategy is checked against C's seq.

A task is `function(job, task)` for threads and processes, and
`await coroutine(job, task, session)` for asyncio, where session is the
loop's AsyncPool of connections (WORKLOADS below).  Checksums are 64-bit
unsigned integers; Python's integers do not wrap, so they are masked.
"""
import asyncio
import os
import threading
import time
import http.client
from urllib.parse import urlsplit

MASK = (1 << 64) - 1


def mix64(x):
    """splitmix64's finaliser, as pb_mix64()."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def fold(job_sum, task, task_sum):
    """pb_checksum_fold(): any order of tasks gives the same job checksum."""
    return (job_sum + mix64(task_sum ^ mix64(task + 1))) & MASK


def fletcher(data):
    """The two running sums of io.file and io.http over the 8-byte words of data
    (native order, as C's memcpy reads them), and the bytes past the last word."""
    a = b = 0
    whole = len(data) // 8 * 8
    for word in memoryview(data)[:whole].cast("Q"):
        a += word
        b += a
    return a & MASK, b & MASK, data[whole:]


# ---- cpu ----

def sumsq(job, task):
    """cpu.sumsq: the articles' cpu_bound_task loop over the task's own range."""
    first = task * job.size
    result = 0
    for i in range(first, first + job.size):
        result += i * i
    return result & MASK


def nop(job, task):
    """cpu.nop: nothing, so the time is what the strategy costs per task."""
    return task


# ---- io.sleep ----

def sleep_checksum(job, task):
    return mix64(task ^ ((job.size << 32) & MASK))


def sleep(job, task):
    time.sleep(job.size / 1e6)
    return sleep_checksum(job, task)


async def sleep_async(job, task, session):
    await asyncio.sleep(job.size / 1e6)
    return sleep_checksum(job, task)


# ---- io.file: the files that the C setup wrote (PARBENCH_FILE_DIR) ----

def read_file(job, task):
    """Reads task's file whole and checksums it as file_read() does: words, then the
    tail byte by byte."""
    with open(os.path.join(job.file_dir, str(task % job.file_count)), "rb") as f:
        data = f.read()
    a, b, tail = fletcher(data)
    for byte in tail:
        a += byte
        b += a
    return mix64(a & MASK) ^ (b & MASK)


async def read_file_async(job, task, session):
    """asyncio has no asynchronous file reads: the read goes to the loop's default
    thread pool, as libuv sends file reads to its pool."""
    return await asyncio.get_running_loop().run_in_executor(None, read_file, job, task)


# ---- io.http: the server that the C setup started, or --url ----

def body_checksum(body):
    """pb_http_reader_checksum(): words, the tail as one little-endian word, the length."""
    a, b, tail = fletcher(body)
    if tail:
        a = (a + int.from_bytes(tail, "little")) & MASK
        b = (b + a) & MASK
    return mix64(a ^ mix64(len(body))) ^ b


def http_target(job, task):
    """(host, port, path): /<task> of the built-in server, or --url as it is."""
    url = urlsplit(job.http_url)
    path = "/%d" % task if job.http_per_task else (url.path or "/")
    if url.query and not job.http_per_task:
        path += "?" + url.query
    return url.hostname, url.port or 80, path


_connections = threading.local()    # a kept-alive connection per thread, as requests.Session


def _connection(host, port):
    """This thread's connection; a process forked from another opens its own."""
    held = getattr(_connections, "held", None)
    if held is None or held[0] != os.getpid():
        held = (os.getpid(), http.client.HTTPConnection(host, port))
        _connections.held = held
    return held[1]


def http_get(job, task):
    host, port, path = http_target(job, task)
    for attempt in (1, 2):
        conn = _connection(host, port)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            break
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()        # the server closed a kept-alive connection: once more
            _connections.held = None
            if attempt == 2:
                raise
    if not 200 <= response.status <= 299:
        raise OSError("HTTP status %d for %s" % (response.status, path))
    if response.will_close:
        conn.close()
        _connections.held = None
    return body_checksum(body)


class AsyncPool:
    """Idle kept-alive connections shared by a loop's coroutines, as an aiohttp
    ClientSession keeps them: a task takes one or opens one."""

    def __init__(self):
        self.idle = []

    async def take(self, host, port):
        """(reader, writer, pooled): an idle connection, or a new one."""
        if self.idle:
            return (*self.idle.pop(), True)
        return (*await asyncio.open_connection(host, port), False)

    def give_back(self, reader, writer):
        self.idle.append((reader, writer))

    def close(self):
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def read_response(reader):
    """Status, whether the connection may be kept, and the body (Content-Length, or to
    the end).  None when the connection was closed before the status line."""
    status_line = await reader.readline()
    if not status_line:
        return None
    parts = status_line.split()
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        raise OSError("not an HTTP response: %r" % status_line[:80])
    keep = parts[0] == b"HTTP/1.1"
    length = None
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and value != b"identity":
            raise OSError("py-asyncio's client reads no %s bodies" % value.decode())
        elif name == b"connection":
            keep = value == b"keep-alive" or (keep and value != b"close")
    status = int(parts[1])
    if status in (204, 304) or 100 <= status < 200:
        length = 0
    body = await (reader.readexactly(length) if length is not None else reader.read())
    return status, keep and length is not None, body


async def exchange(session, host, port, request):
    """One request on a pooled connection, or on a new one when the server had closed the
    pooled one before answering (as http.client and the C client retry)."""
    while True:
        reader, writer, pooled = await session.take(host, port)
        try:
            writer.write(request)
            answer = await read_response(reader)
        except (ConnectionResetError, BrokenPipeError):
            writer.close()
            if pooled:
                continue
            raise
        except BaseException:
            writer.close()
            raise
        if answer is None:
            writer.close()
            if pooled:
                continue
            raise OSError("the server closed the connection before answering")
        return reader, writer, answer


async def http_get_async(job, task, session):
    host, port, path = http_target(job, task)
    netloc = urlsplit(job.http_url).netloc
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, netloc)).encode()
    reader, writer, (status, keep, body) = await exchange(session, host, port, request)
    if keep:
        session.give_back(reader, writer)
    else:
        writer.close()
    if not 200 <= status <= 299:
        raise OSError("HTTP status %d for %s" % (status, path))
    return body_checksum(body)


# ---- the registry: name -> (function, coroutine function or None: run inline in the loop) ----

WORKLOADS = {
    "cpu.sumsq": (sumsq, None),
    "cpu.nop": (nop, None),
    "io.sleep": (sleep, sleep_async),
    "io.file": (read_file, read_file_async),
    "io.http": (http_get, http_get_async),
}
