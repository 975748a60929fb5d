/*
 * LD_PRELOAD shim for the `disk` bench suite: fsync and fdatasync take SLOW_FSYNC_US
 * microseconds longer, as on a cloud block device or a busy disk. Only the calling thread
 * sleeps, as it would waiting for a real device.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static void slow_down(void) {
  const char *us = getenv("SLOW_FSYNC_US");
  if (us) usleep((useconds_t)atoi(us));
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int result = real(fd);
  slow_down();
  return result;
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int result = real(fd);
  slow_down();
  return result;
}
