/*
 * distroless-forwarder: carries many TCP connections over one stdin/stdout pair.
 *
 * The port-forward sidecar runs this once (one `docker exec`), and every local
 * connection becomes a stream on it, instead of one exec of `nc` per connection.
 * Freestanding on purpose: no libc, raw system calls for x86_64 and aarch64, fixed
 * tables, no allocation, so the binary is a few KB, static, and runs in any image.
 *
 * Frames, both ways: [type u8][stream id u32 BE][length u32 BE][payload].
 *   host -> us  OPEN   payload [family u8: 4|6][port u16 BE][address 4|16 bytes]
 *               DATA   bytes for the stream's socket (never more than the window we granted)
 *               CLOSE  the client half-closed: shutdown(SHUT_WR) once its bytes are written
 *               ABORT  the client is gone: close the socket, forget the stream
 *               WINDOW [u32 BE] the host took that many more bytes of this stream off our hands
 *   us -> host  HELLO  (id 0) "distroless-forwarder <version>": we are running
 *               OPENED connected
 *               ERROR  connect failed: the errno's text; the stream is gone
 *               DATA   bytes read from the socket (never more than the host's window)
 *               CLOSE  the socket read EOF
 *               ABORT  the socket failed (reset): text; the stream is gone
 *               WINDOW [u32 BE] that many bytes of the host's DATA were written to the socket
 *
 * Flow control is a window per stream and direction (WINDOW bytes, the same on both
 * sides), so one slow reader never stops the others: DATA for a stream whose socket
 * is full waits in that stream's own buffer, which the host can never overfill, and we
 * read a socket only while the host has granted room for its bytes. Stdin is therefore
 * always read; nothing blocks the shared channel but stdout itself (the host reads it
 * without pause). A stream ends when both directions closed, or on ABORT/ERROR.
 * Stdin EOF (the host went away) ends the process.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long usize;
typedef long isize;

#define VERSION "1"
#define MAX_STREAMS 1024
#define WINDOW 65536
#define MAX_PAYLOAD WINDOW
#define HEADER 9

enum { F_OPEN = 1, F_DATA = 2, F_CLOSE = 3, F_ABORT = 4, F_WINDOW = 5, F_HELLO = 6, F_OPENED = 7, F_ERROR = 8 };

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000
#define SOL_SOCKET 1
#define SO_ERROR 4
#define SHUT_WR 1
#define MSG_NOSIGNAL 0x4000
#define MSG_DONTWAIT 0x40
#define POLLIN 1
#define POLLOUT 4
#define POLLERR 8
#define POLLHUP 16
#define EINTR 4
#define EAGAIN 11
#define EINPROGRESS 115

#if defined(__x86_64__)
enum { SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_socket = 41, SYS_connect = 42, SYS_sendto = 44,
       SYS_recvfrom = 45, SYS_shutdown = 48, SYS_getsockopt = 55, SYS_ppoll = 271, SYS_exit_group = 231 };
static isize sys6(isize n, isize a, isize b, isize c, isize d, isize e, isize f) {
  register isize r10 __asm__("r10") = d;
  register isize r8 __asm__("r8") = e;
  register isize r9 __asm__("r9") = f;
  isize ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
__asm__(".text\n.global _start\n_start:\n xor %rbp,%rbp\n and $-16,%rsp\n call start_c\n hlt\n");
#elif defined(__aarch64__)
enum { SYS_read = 63, SYS_write = 64, SYS_close = 57, SYS_socket = 198, SYS_connect = 203, SYS_sendto = 206,
       SYS_recvfrom = 207, SYS_shutdown = 210, SYS_getsockopt = 209, SYS_ppoll = 73, SYS_exit_group = 94 };
static isize sys6(isize n, isize a, isize b, isize c, isize d, isize e, isize f) {
  register isize x8 __asm__("x8") = n;
  register isize x0 __asm__("x0") = a;
  register isize x1 __asm__("x1") = b;
  register isize x2 __asm__("x2") = c;
  register isize x3 __asm__("x3") = d;
  register isize x4 __asm__("x4") = e;
  register isize x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
}
__asm__(".text\n.global _start\n_start:\n mov x29, #0\n mov x30, #0\n bl start_c\n");
#else
#error "distroless-forwarder: x86_64 or aarch64 only"
#endif

#define sys3(n, a, b, c) sys6(n, (isize)(a), (isize)(b), (isize)(c), 0, 0, 0)

/* gcc may emit calls to these even with -ffreestanding. */
void *memcpy(void *d, const void *s, usize n) { u8 *dp = d; const u8 *sp = s; while (n--) *dp++ = *sp++; return d; }
void *memmove(void *d, const void *s, usize n) {
  u8 *dp = d; const u8 *sp = s;
  if (dp < sp) while (n--) *dp++ = *sp++;
  else { dp += n; sp += n; while (n--) *--dp = *--sp; }
  return d;
}
void *memset(void *d, int c, usize n) { u8 *dp = d; while (n--) *dp++ = (u8)c; return d; }

struct pollfd { int fd; short events; short revents; };

struct stream {
  u32 id;
  int fd;           /* -1: free slot */
  u8 connecting;    /* connect() in progress */
  u8 eof_in;        /* the socket read EOF (CLOSE sent) */
  u8 close_out;     /* the host sent CLOSE: shut down writing once buf is empty */
  u8 shut_out;      /* shutdown(SHUT_WR) done */
  u32 credit;       /* bytes the host will still accept from this socket */
  u32 start, end;   /* pending bytes for the socket: buf[start..end) */
  u8 buf[WINDOW];
};

static struct stream streams[MAX_STREAMS];
static struct pollfd fds[MAX_STREAMS + 1];
static short slot_of_poll[MAX_STREAMS + 1];
static u8 in[HEADER + MAX_PAYLOAD + 65536];
static u32 in_len;
static u8 out[HEADER + MAX_PAYLOAD];

static void die(int code) { for (;;) sys3(SYS_exit_group, code, 0, 0); }

static void put32(u8 *p, u32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static u32 get32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }

/* Blocking in effect: stdout is the only shared channel, and the host always reads it. */
static void write_all(const u8 *p, usize n) {
  while (n) {
    isize r = sys3(SYS_write, 1, p, n);
    if (r > 0) { p += r; n -= r; continue; }
    if (r == -EINTR) continue;
    if (r == -EAGAIN) {
      struct pollfd w = { 1, POLLOUT, 0 };
      sys6(SYS_ppoll, (isize)&w, 1, 0, 0, 0, 0);
      continue;
    }
    die(3); /* the host is gone */
  }
}

/* The frame's payload is already at out + HEADER. */
static void send_frame(u8 type, u32 id, u32 len) {
  out[0] = type;
  put32(out + 1, id);
  put32(out + 5, len);
  write_all(out, HEADER + len);
}

static u32 copy_text(u8 *dst, const char *s) { u32 n = 0; while (s[n]) { dst[n] = (u8)s[n]; n++; } return n; }

static const char *errno_text(int e, char *spare) {
  switch (e) {
    case 111: return "Connection refused";
    case 110: return "Connection timed out";
    case 113: return "No route to host";
    case 101: return "Network is unreachable";
    case 104: return "Connection reset by peer";
    case 32: return "Broken pipe";
    case 99: return "Cannot assign requested address";
    case 97: return "Address family not supported by protocol";
    case 13: return "Permission denied";
    case 1: return "Operation not permitted";
    case 24: return "Too many open files";
    case 23: return "Too many open files in system";
    case 12: return "Cannot allocate memory";
    case 105: return "No buffer space available";
    case 22: return "Invalid argument";
  }
  char digits[12];
  int n = 0;
  unsigned v = (unsigned)e;
  do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  int k = copy_text((u8 *)spare, "errno ");
  while (n) spare[k++] = digits[--n];
  spare[k] = 0;
  return spare;
}

static void send_text(u8 type, u32 id, int err) {
  char spare[24];
  send_frame(type, id, copy_text(out + HEADER, errno_text(err, spare)));
}

static struct stream *find(u32 id) {
  for (int i = 0; i < MAX_STREAMS; i++)
    if (streams[i].fd >= 0 && streams[i].id == id) return &streams[i];
  return 0;
}

static void forget(struct stream *s) {
  sys3(SYS_close, s->fd, 0, 0);
  s->fd = -1;
}

/* Either error ends the stream: ERROR while connecting, ABORT after. */
static void fail(struct stream *s, int err) {
  send_text(s->connecting ? F_ERROR : F_ABORT, s->id, err);
  forget(s);
}

static void maybe_done(struct stream *s) {
  if (s->eof_in && s->shut_out) forget(s);
}

static void open_stream(u32 id, const u8 *p, u32 len) {
  struct stream *s = 0;
  for (int i = 0; i < MAX_STREAMS; i++) if (streams[i].fd < 0) { s = &streams[i]; break; }
  if (!s) { send_frame(F_ERROR, id, copy_text(out + HEADER, "too many connections on one forwarder")); return; }
  u8 sa[28];
  memset(sa, 0, sizeof sa);
  u32 salen;
  int family;
  if (len == 7 && p[0] == 4) {
    family = AF_INET; salen = 16;
    sa[0] = AF_INET; sa[2] = p[1]; sa[3] = p[2]; memcpy(sa + 4, p + 3, 4);
  } else if (len == 19 && p[0] == 6) {
    family = AF_INET6; salen = 28;
    sa[0] = AF_INET6; sa[2] = p[1]; sa[3] = p[2]; memcpy(sa + 8, p + 3, 16);
  } else {
    send_frame(F_ERROR, id, copy_text(out + HEADER, "bad OPEN frame"));
    return;
  }
  isize fd = sys3(SYS_socket, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { send_text(F_ERROR, id, (int)-fd); return; }
  isize r = sys3(SYS_connect, fd, sa, salen);
  if (r < 0 && r != -EINPROGRESS) { sys3(SYS_close, fd, 0, 0); send_text(F_ERROR, id, (int)-r); return; }
  s->id = id; s->fd = (int)fd; s->connecting = r < 0; s->eof_in = 0; s->close_out = 0; s->shut_out = 0;
  s->credit = WINDOW; s->start = s->end = 0;
  if (!s->connecting) send_frame(F_OPENED, id, 0);
}

/* Writes what the socket takes now; returns the stream to the host as WINDOW. */
static void flush(struct stream *s) {
  u32 wrote = 0;
  while (s->start < s->end) {
    isize r = sys6(SYS_sendto, s->fd, (isize)(s->buf + s->start), s->end - s->start, MSG_NOSIGNAL | MSG_DONTWAIT, 0, 0);
    if (r == -EINTR) continue;
    if (r == -EAGAIN) break;
    if (r < 0) { fail(s, (int)-r); return; }
    s->start += r; wrote += r;
  }
  if (s->start == s->end) s->start = s->end = 0;
  if (wrote) { put32(out + HEADER, wrote); send_frame(F_WINDOW, s->id, 4); }
  if (s->start == s->end && s->close_out && !s->shut_out) {
    sys3(SYS_shutdown, s->fd, SHUT_WR, 0);
    s->shut_out = 1;
    maybe_done(s);
  }
}

static void on_frame(u8 type, u32 id, const u8 *p, u32 len) {
  if (type == F_OPEN) { if (!find(id)) open_stream(id, p, len); return; }
  struct stream *s = find(id);
  if (!s) return; /* already ended here: the host forgets it too */
  switch (type) {
    case F_DATA:
      if (s->close_out || len > WINDOW - (s->end - s->start)) { fail(s, 105); return; } /* the host broke the window */
      if (s->end + len > WINDOW) { memmove(s->buf, s->buf + s->start, s->end - s->start); s->end -= s->start; s->start = 0; }
      memcpy(s->buf + s->end, p, len);
      s->end += len;
      if (!s->connecting) flush(s);
      return;
    case F_CLOSE:
      s->close_out = 1;
      if (!s->connecting) flush(s);
      return;
    case F_ABORT:
      forget(s);
      return;
    case F_WINDOW:
      if (len == 4) s->credit += get32(p);
      return;
  }
}

static void read_stdin(void) {
  isize r = sys3(SYS_read, 0, in + in_len, sizeof in - in_len);
  if (r == -EINTR || r == -EAGAIN) return;
  if (r <= 0) die(0); /* the host closed our stdin: nothing more to carry */
  in_len += r;
  u32 at = 0;
  while (in_len - at >= HEADER) {
    u32 len = get32(in + at + 5);
    if (len > MAX_PAYLOAD) die(4); /* not our protocol */
    if (in_len - at < HEADER + len) break;
    on_frame(in[at], get32(in + at + 1), in + at + HEADER, len);
    at += HEADER + len;
  }
  memmove(in, in + at, in_len - at);
  in_len -= at;
}

static void on_socket(struct stream *s, short revents) {
  if (s->connecting) {
    if (!(revents & (POLLOUT | POLLERR | POLLHUP))) return;
    int err = 0;
    u32 errlen = sizeof err;
    sys6(SYS_getsockopt, s->fd, SOL_SOCKET, SO_ERROR, (isize)&err, (isize)&errlen, 0);
    if (err) { fail(s, err); return; }
    s->connecting = 0;
    send_frame(F_OPENED, s->id, 0);
    flush(s);
    return;
  }
  if (revents & POLLOUT) { flush(s); if (s->fd < 0) return; }
  if ((revents & (POLLIN | POLLHUP | POLLERR)) && !s->eof_in && s->credit) {
    u32 want = s->credit < MAX_PAYLOAD ? s->credit : MAX_PAYLOAD;
    isize r = sys6(SYS_recvfrom, s->fd, (isize)(out + HEADER), want, MSG_DONTWAIT, 0, 0);
    if (r == -EINTR || r == -EAGAIN) return;
    if (r < 0) { fail(s, (int)-r); return; }
    if (r == 0) { s->eof_in = 1; send_frame(F_CLOSE, s->id, 0); maybe_done(s); return; }
    s->credit -= r;
    send_frame(F_DATA, s->id, (u32)r);
  }
}

void start_c(void) {
  for (int i = 0; i < MAX_STREAMS; i++) streams[i].fd = -1;
  send_frame(F_HELLO, 0, copy_text(out + HEADER, "distroless-forwarder " VERSION));
  for (;;) {
    int n = 0;
    fds[n].fd = 0; fds[n].events = POLLIN; fds[n].revents = 0; n++;
    for (int i = 0; i < MAX_STREAMS; i++) {
      struct stream *s = &streams[i];
      if (s->fd < 0) continue;
      short ev = 0;
      if (s->connecting || s->start < s->end) ev |= POLLOUT;
      if (!s->connecting && !s->eof_in && s->credit) ev |= POLLIN;
      if (!ev) continue;
      fds[n].fd = s->fd; fds[n].events = ev; fds[n].revents = 0;
      slot_of_poll[n] = (short)i;
      n++;
    }
    isize r = sys6(SYS_ppoll, (isize)fds, n, 0, 0, 0, 0);
    if (r == -EINTR) continue;
    if (r < 0) die(5);
    /* Sockets first: a frame read from stdin may end or reuse a slot polled above. */
    for (int k = 1; k < n; k++) {
      struct stream *s = &streams[slot_of_poll[k]];
      if (fds[k].revents && s->fd == fds[k].fd) on_socket(s, fds[k].revents);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) read_stdin();
  }
}
