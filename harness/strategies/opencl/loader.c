/* The ICD loader, opened at run time (loader.h). */
#ifdef PB_HAVE_OPENCL
#include <dlfcn.h>

#include "strategies/opencl/loader.h"
#include "util/error.h"

#define PB_CL_LIBRARY "libOpenCL.so.1"

struct pb_cl pb_cl;

int pb_cl_open(char *why, size_t whylen)
{
	static void *library;
	static char failed[256];

	if (library)
		return 0;
	if (*failed)
		return pb_error(why, whylen, "%s", failed);
	if (!(library = dlopen(PB_CL_LIBRARY, RTLD_NOW | RTLD_LOCAL))) {
		pb_error(failed, sizeof(failed), "no OpenCL ICD loader: %s (install "
			 "ocl-icd-libopencl1: bash scripts/install-deps.sh)", dlerror());
		return pb_error(why, whylen, "%s", failed);
	}
#define PB_CL_TAKE(name) \
	if (!*failed && !(pb_cl.name = (__typeof__(&name))dlsym(library, #name))) \
		pb_error(failed, sizeof(failed), "the OpenCL ICD loader %s lacks %s", \
			 PB_CL_LIBRARY, #name);
	PB_CL_FUNCTIONS(PB_CL_TAKE)
#undef PB_CL_TAKE
	if (*failed) {
		dlclose(library);
		library = NULL;
		return pb_error(why, whylen, "%s", failed);
	}
	return 0;
}
#endif
