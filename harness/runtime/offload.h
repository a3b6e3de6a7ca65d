/*
 * What an offload strategy (opencl) tells of one repetition beside its wall
 * time: the device it ran on, and the parts of the repetition its events
 * timed.  Every other strategy leaves device NULL, and the figures are then
 * no figures at all (empty in the CSV files).
 */
#ifndef PARBENCH_OFFLOAD_H
#define PARBENCH_OFFLOAD_H

struct pb_offload {
	char *device;		/* "NAME (TYPE, PLATFORM)", or NULL: not an offload */
	double build_s;		/* the program's build, once per cell process, before any repetition */
	double h2d_s;		/* host-to-device copies of the repetition */
	double kernel_s;	/* the kernel */
	double d2h_s;		/* device-to-host copies */
};

#endif
