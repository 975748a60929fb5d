/*
 * LD_PRELOAD shim for the `disk` bench suite: fsync and fdatasync take SLOW_FSYNC_US
 * microseconds longer, as on a cloud block device or a busy disk. Only the calling thread
 * sleeps, as it would waiting for a real device.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

typedef int (*sync_fn)(int);

static int slow_call(sync_fn *real, const char *name, int fd) {
  if (!*real) *real = (sync_fn)dlsym(RTLD_NEXT, name);
  int result = (*real)(fd);
  const char *us = getenv("SLOW_FSYNC_US");
  if (us) usleep((useconds_t)atoi(us));
  return result;
}

static sync_fn real_fsync, real_fdatasync;

int fsync(int fd) { return slow_call(&real_fsync, "fsync", fd); }

int fdatasync(int fd) { return slow_call(&real_fdatasync, "fdatasync", fd); }
