/* jd-bench-nodelay.c — an LD_PRELOAD shim for the client benchmark: every
 * TCP socket a process connects gets TCP_NODELAY before connect(), so AWS's
 * device SDK (whose socket keeps Nagle's algorithm on) and JdJobsClient
 * (which sets it itself) are compared without the delayed-ACK wait on
 * loopback. With JD_BENCH_NODELAY_MARK=FILE each socket it touched adds a
 * line to FILE, so the benchmark can check the shim took effect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*ConnectFunc) (int, const struct sockaddr *, socklen_t);

int connect (int fd, const struct sockaddr *addr, socklen_t len);

int
connect (int                    fd,
         const struct sockaddr *addr,
         socklen_t              len)
{
  static ConnectFunc real_connect;
  int type = 0;
  socklen_t type_len = sizeof type;
  int saved_errno = errno;

  if (real_connect == NULL)
    real_connect = (ConnectFunc) dlsym (RTLD_NEXT, "connect");

  if (addr != NULL && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6) &&
      getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 && type == SOCK_STREAM)
    {
      int one = 1;

      if (setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0)
        {
          const char *mark = getenv ("JD_BENCH_NODELAY_MARK");

          if (mark != NULL)
            {
              int out = open (mark, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

              if (out >= 0)
                {
                  char line[32];
                  int n = snprintf (line, sizeof line, "%d\n", fd);

                  if (n > 0 && write (out, line, (size_t) n) < 0)
                    (void) 0;
                  close (out);
                }
            }
        }
    }
  errno = saved_errno;
  return real_connect (fd, addr, len);
}
