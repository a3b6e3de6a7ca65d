"""io.http under every strategy, against --url, and `parbench serve` on its own."""
import csv
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from helpers import PARBENCH, ParbenchTest, all_strategies, parbench

LISTENING = re.compile(r"^parbench serve: listening on http://127\.0\.0\.1:(\d+)/ "
                       r"\(delay ([0-9.]+) s, body (\d+) bytes\)$")


class HttpWorkloadTest(ParbenchTest):
    def test_every_strategy_matches_seq(self):
        # One visit of each cell, as in test_checksums.py.
        run = self.run_ok("-w", "io.http", "-s", "all", "-n", "1,2,3", "--tasks", "12",
                          "--size", "3000", "--delay", "0.001", "--reps", "1")
        cells = {(row["strategy"], row["workers"]) for row in run.raw}
        self.assertEqual(cells, {("seq", "1")} | {(s, n) for s in all_strategies() if s != "seq"
                                                  for n in ("1", "2", "3")})
        for row in run.raw:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
        self.assertEqual(len({row["checksum"] for row in run.raw}), 1)

    def test_the_checksum_depends_on_the_size(self):
        sums = set()
        for size in ("3000", "3001"):
            run = self.run_ok("-w", "io.http", "-s", "seq", "--tasks", "3", "--size", size,
                              "--delay", "0", "--reps", "1", "--warmup", "0")
            sums.add(run.raw[0]["checksum"])
        self.assertEqual(len(sums), 2)

    def test_tasks_wait_the_delay_together(self):
        run = self.run_ok("-w", "io.http", "-s", "seq,evloop-epoll,pthreads", "-n", "8",
                          "--tasks", "8", "--delay", "0.05", "--reps", "1", "--warmup", "0")
        for row in run.raw:
            self.assertEqual(row["ok"], "1", row["error"])
            self.assertGreaterEqual(float(row["lat_p50_s"]), 0.05, row)
            if row["strategy"] == "seq":
                self.assertGreaterEqual(float(row["wall_s"]), 8 * 0.05, row)
            else:
                self.assertLess(float(row["wall_s"]), 4 * 0.05, row)


class UrlTest(ParbenchTest):
    """--url against Python's own http.server (HTTP/1.0: a connection per request)."""

    def setUp(self):
        super().setUp()
        self._www = tempfile.TemporaryDirectory(prefix="parbench-www-")
        for name, size in (("known.bin", 5000), ("other.bin", 5000)):
            with open(os.path.join(self._www.name, name), "wb") as f:
                f.write(os.urandom(size))
        self.server = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", self._www.name],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.server.stdout.readline()
        match = re.search(r"port (\d+)", line)
        self.assertIsNotNone(match, line)
        self.base = "http://127.0.0.1:%s" % match.group(1)

    def tearDown(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.server.stdout.close()
        self._www.cleanup()
        super().tearDown()

    def test_every_strategy_fetches_the_same_body(self):
        run = self.run_ok("-w", "io.http", "-s", "all", "-n", "1,3", "--tasks", "6",
                          "--url", self.base + "/known.bin", "--reps", "1")
        for row in run.raw:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
        self.assertEqual(len({row["checksum"] for row in run.raw}), 1)
        other = self.run_ok("-w", "io.http", "-s", "seq", "--tasks", "6",
                            "--url", self.base + "/other.bin", "--reps", "1")
        self.assertNotEqual(other.raw[0]["checksum"], run.raw[0]["checksum"])

    def test_a_missing_file_is_an_error_row(self):
        result = parbench("run", "-w", "io.http", "-s", "seq,evloop-epoll", "-n", "2",
                          "--tasks", "2", "--url", self.base + "/missing", "--reps", "1",
                          "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        with open(os.path.join(self.out, "latest", "raw.csv")) as f:
            text = f.read()
        self.assertIn("Protocol error", text)

    def assert_url_refused(self, url, needle):
        result = parbench("run", "-w", "io.http", "-s", "seq", "--tasks", "2", "--url", url,
                          "--reps", "1", "--out", self.out)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn(needle, result.stderr)
        self.assertEqual(os.listdir(self.out), [], "a refused run writes nothing")

    def test_a_server_that_refuses_is_bad_input(self):
        self.assert_url_refused("http://127.0.0.1:%d/" % free_port(), "Connection refused")

    def test_a_server_that_never_answers_is_bad_input(self):
        # Listening, so the connection is taken, but nobody ever reads or answers.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(4)
            self.assert_url_refused("http://127.0.0.1:%d/" % silent.getsockname()[1],
                                    "did not answer within 5 s")

    def test_a_server_that_is_not_http_is_bad_input(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(4)
            port = s.getsockname()[1]
            answer = threading.Thread(target=self.say_garbage, args=(s,))
            answer.start()
            self.assert_url_refused("http://127.0.0.1:%d/" % port, "did not answer with HTTP")
            answer.join()

    @staticmethod
    def say_garbage(listener):
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")


class MisbehavingServerTest(ParbenchTest):
    """A server that answers parbench's check before the run, then misbehaves: every cell
    becomes an error row, and the run ends; nothing crashes or hangs."""

    ANSWERS = {
        "garbage": b"NOT HTTP AT ALL\r\n\r\n",
        "short": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc",
        "early": b"",
        "error": b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n",
    }

    def serve(self, listener, answer):
        first = True
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return      # the listener was closed: the test is over
            with conn:
                conn.recv(65536)
                if first:   # the check before the run gets a proper answer
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                                 b"Connection: close\r\n\r\nabc")
                    first = False
                else:
                    conn.sendall(answer)

    def test_every_misbehaviour_is_an_error_row(self):
        for name, answer in self.ANSWERS.items():
            with self.subTest(name), socket.socket() as listener:
                listener.bind(("127.0.0.1", 0))
                listener.listen(64)
                thread = threading.Thread(target=self.serve, args=(listener, answer))
                thread.start()
                out = os.path.join(self.out, name)
                result = parbench("run", "-w", "io.http", "-s", "seq,pthreads,evloop-epoll",
                                  "-n", "2", "--tasks", "2", "--reps", "1", "--warmup", "0",
                                  "--timeout", "10", "--url",
                                  "http://127.0.0.1:%d/" % listener.getsockname()[1],
                                  "--out", out)
                listener.shutdown(socket.SHUT_RDWR)
                listener.close()
                thread.join()
                self.assertEqual(result.returncode, 1, result.stderr)
                with open(os.path.join(out, "latest", "raw.csv")) as f:
                    rows = list(csv.DictReader(f))
                self.assertEqual(len(rows), 3)
                for row in rows:
                    self.assertEqual(row["ok"], "0", row)
                    self.assertNotIn("timed out", row["error"], row)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_response(f):
    """The body of the next response on f (Content-Length framing only)."""
    assert f.readline().startswith(b"HTTP/1.1 200 ")
    length = None
    for line in iter(f.readline, b"\r\n"):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return f.read(length)


class ServeTest(unittest.TestCase):
    """`parbench serve --port 0`, spoken to with http.client and raw sockets."""

    SIZE = 2000000
    IDLE = 0.5

    def setUp(self):
        self.server = subprocess.Popen(
            [PARBENCH, "serve", "--port", "0", "--delay", "0", "--size", str(self.SIZE),
             "--idle", str(self.IDLE)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.server.stdout.readline().rstrip("\n")
        match = LISTENING.match(line)
        self.assertIsNotNone(match, line)
        self.port = int(match.group(1))
        self.assertEqual(match.group(3), str(self.SIZE))

    def tearDown(self):
        if self.server.poll() is None:
            self.server.kill()
        self.server.wait(timeout=10)
        self.server.stdout.close()
        self.server.stderr.close()

    def get(self, conn, path):
        conn.request("GET", path)
        response = conn.getresponse()
        return response, response.read()

    def closed_within(self, sock, seconds):
        """True when the server closes sock within `seconds` (reading what it sends)."""
        sock.settimeout(seconds)
        try:
            while sock.recv(65536):
                pass
            return True
        except (socket.timeout, TimeoutError):
            return False

    def test_cut_short_and_silent_clients_are_closed_after_idle(self):
        with socket.create_connection(("127.0.0.1", self.port)) as cut, \
                socket.create_connection(("127.0.0.1", self.port)) as silent:
            cut.sendall(b"GET /x HTTP/1.1\r\nHost: te")
            self.assertTrue(self.closed_within(cut, 10 * self.IDLE))
            self.assertTrue(self.closed_within(silent, 10 * self.IDLE))
        self.assertIsNone(self.server.poll())

    def test_a_client_that_is_slow_but_sending_is_answered(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            for part in (b"GET /x HTTP/1.1\r\n", b"Host: test\r\n", b"\r\n"):
                s.sendall(part)
                time.sleep(self.IDLE * 0.6)     # each pause shorter than --idle
            self.assertTrue(s.recv(64).startswith(b"HTTP/1.1 200 "))

    def test_oversized_headers_get_400_and_a_close(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GET /x HTTP/1.1\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
            answer = b""
            while data := s.recv(65536):
                answer += data
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer[:80])
        self.assertIsNone(self.server.poll())

    def test_keep_alive_and_content(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        response, body = self.get(conn, "/a")
        self.assertEqual(response.status, 200)
        self.assertEqual(int(response.getheader("Content-Length")), self.SIZE)
        self.assertEqual(len(body), self.SIZE)
        sock = conn.sock
        self.assertIsNotNone(sock, "the server closed a keep-alive connection")
        again, same = self.get(conn, "/a")
        self.assertIs(conn.sock, sock, "the second request needed a new connection")
        self.assertEqual(same, body)
        _, other = self.get(conn, "/b")
        self.assertNotEqual(other, body)
        conn.close()

    def test_clients_that_leave_cost_only_their_connection(self):
        request = b"GET /x HTTP/1.1\r\nHost: test\r\n\r\n"
        # Gone before the answer.
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(request)
        # Gone in the middle of a 2 MB answer, with a reset.
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(request)
            self.assertTrue(s.recv(1000))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        # Garbage: 400, then the server closes.
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"NONSENSE\r\n\r\n")
            answer = b""
            while True:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        time.sleep(0.1)
        self.assertIsNone(self.server.poll())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        response, body = self.get(conn, "/after")
        self.assertEqual((response.status, len(body)), (200, self.SIZE))
        conn.close()

    def test_pipelined_requests_come_back_in_order(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        want = [self.get(conn, "/%d" % i)[1] for i in range(3)]
        conn.close()
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"".join(b"GET /%d HTTP/1.1\r\nHost: t\r\n\r\n" % i for i in range(3)))
            with s.makefile("rb") as f:
                for i in range(3):
                    self.assertEqual(read_response(f), want[i], "response %d" % i)

    def test_sigterm_and_sigint_exit_0(self):
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=10), 0)
        other = subprocess.Popen([PARBENCH, "serve", "--port", "0"], stdout=subprocess.PIPE,
                                 text=True)
        self.assertIsNotNone(LISTENING.match(other.stdout.readline().rstrip("\n")))
        other.send_signal(signal.SIGINT)
        self.assertEqual(other.wait(timeout=10), 0)
        other.stdout.close()


class ServeInputTest(unittest.TestCase):
    def test_bad_input_exits_2_with_one_line(self):
        cases = [
            (["--port", "70000"], "70000"),
            (["--port", "x"], "'x'"),
            (["--port", "-1"], "-1"),
            (["--delay", "-0.5"], "-0.5"),
            (["--delay", "61"], "61"),
            (["--size", "1k"], "1k"),
            (["--host", "localhost"], "localhost"),
            (["--host", "1.2.3"], "1.2.3"),
            (["--bogus"], "--bogus"),
            (["extra"], "extra"),
            (["--port"], "--port"),
        ]
        for args, named in cases:
            with self.subTest(args=args):
                result = parbench("serve", *args, timeout=10)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                lines = result.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertIn(named, lines[0])
                self.assertTrue(lines[0].startswith("parbench serve: "), lines[0])

    def test_help_and_version(self):
        result = parbench("serve", "--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--delay", result.stdout)
        result = parbench("serve", "--version")
        self.assertEqual(result.returncode, 0)
        self.assertTrue(result.stdout.startswith("parbench "))

    def test_a_port_in_use_is_refused(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            result = parbench("serve", "--port", str(s.getsockname()[1]), timeout=10)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("Address already in use", result.stderr)


if __name__ == "__main__":
    unittest.main()
