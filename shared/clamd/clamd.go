// Package clamd checks files for malware with a running ClamAV daemon (clamd), over its
// INSTREAM command: the content goes to clamd in chunks, each after its length as four
// bytes in network order, a chunk of length zero ends it, and clamd answers
// "stream: OK" or "stream: <name> FOUND". The client speaks the null-terminated form of
// the commands ("zINSTREAM\0"), one connection per file.
package clamd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Defaults of a Client.
const (
	DefaultTimeout     = 2 * time.Minute  // a whole scan, from dialling to clamd's answer
	DefaultDialTimeout = 5 * time.Second  // reaching clamd
	DefaultMaxSize     = 100 << 20        // bytes; clamd's StreamMaxLength default is 100M too
	chunkSize          = 64 << 10         // bytes sent per chunk
	maxReply           = 4 << 10          // bytes of clamd's answer read at most
	replyAfterRefusal  = 2 * time.Second  // how long to wait for clamd's reason after it stopped reading
	nameOf             = "ClamAV (clamd)" // what Name returns
	sizeLimitReply     = "INSTREAM size limit exceeded"
)

// ErrSizeLimit means the file is larger than clamd accepts (its StreamMaxLength) or than
// the Client's MaxSize: it was not checked.
var ErrSizeLimit = errors.New("clamd: file larger than the stream limit")

// Client checks files with clamd. Its zero value is not usable; make one with New.
type Client struct {
	network, address string

	// Timeout bounds a whole scan; DialTimeout the connection to clamd; MaxSize the
	// bytes sent (more is ErrSizeLimit, without waiting for clamd to say so). Set them
	// before the first Scan; zero takes the default.
	Timeout     time.Duration
	DialTimeout time.Duration
	MaxSize     int64
}

// New returns a client of the clamd at addr: "host:port" or "tcp://host:port" for TCP,
// "unix:/path" or an absolute path for a unix socket (clamd's LocalSocket, for example
// /run/clamav/clamd.ctl).
func New(addr string) (*Client, error) {
	c := &Client{}
	switch {
	case strings.HasPrefix(addr, "unix:"):
		c.network, c.address = "unix", strings.TrimPrefix(strings.TrimPrefix(addr, "unix:"), "//")
	case strings.HasPrefix(addr, "/"):
		c.network, c.address = "unix", addr
	case strings.HasPrefix(addr, "tcp://"):
		c.network, c.address = "tcp", strings.TrimPrefix(addr, "tcp://")
	default:
		c.network, c.address = "tcp", addr
	}
	if c.network == "unix" && c.address == "" {
		return nil, fmt.Errorf("clamd: %q names no socket", addr)
	}
	if c.network == "tcp" {
		if _, port, err := net.SplitHostPort(c.address); err != nil || port == "" {
			return nil, fmt.Errorf("clamd: %q is neither host:port nor unix:/pfad", addr)
		}
	}
	return c, nil
}

// Name names the scanner for the coordination page.
func (c *Client) Name() string { return nameOf }

// String says where the client connects to, for logs.
func (c *Client) String() string { return c.network + ":" + c.address }

// Ping checks that clamd answers.
func (c *Client) Ping(ctx context.Context) error {
	conn, stop, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer stop()
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return fmt.Errorf("clamd: ping: %w", err)
	}
	reply, err := readReply(conn)
	if err != nil {
		return fmt.Errorf("clamd: ping: %w", err)
	}
	if reply != "PONG" {
		return fmt.Errorf("clamd: ping answered %q", reply)
	}
	return nil
}

// Scan sends r's content to clamd and returns the name of the malware it found, "" for
// a clean file. Errors: the file could not be checked (clamd unreachable, too slow,
// ErrSizeLimit, an error answer); r is then not necessarily read to its end.
func (c *Client) Scan(ctx context.Context, r io.Reader) (found string, err error) {
	conn, stop, err := c.dial(ctx)
	if err != nil {
		return "", err
	}
	defer stop()
	if err := c.send(conn, r); err != nil {
		if errors.Is(err, ErrSizeLimit) { // the client's own limit: clamd has nothing to say
			return "", err
		}
		// clamd closes the connection when the stream passes its limit; its reason may
		// be waiting to be read.
		conn.SetReadDeadline(time.Now().Add(replyAfterRefusal))
		if reply, rerr := readReply(conn); rerr == nil && strings.HasPrefix(reply, sizeLimitReply) {
			return "", ErrSizeLimit
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("clamd: scan: %w", ctx.Err())
		}
		return "", err
	}
	reply, err := readReply(conn)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("clamd: scan: %w", ctx.Err())
		}
		return "", fmt.Errorf("clamd: read answer: %w", err)
	}
	return parseReply(reply)
}

// dial connects to clamd with the deadline of the whole scan set; stop closes the
// connection and stops watching ctx.
func (c *Client) dial(ctx context.Context) (net.Conn, func(), error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialTimeout := c.DialTimeout
	if dialTimeout <= 0 {
		dialTimeout = DefaultDialTimeout
	}
	d := net.Dialer{Timeout: dialTimeout, Deadline: deadline}
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		return nil, nil, fmt.Errorf("clamd: connect to %s: %w", c, err)
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("clamd: %w", err)
	}
	// A cancelled ctx ends reads and writes at once.
	unwatch := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	return conn, func() { unwatch(); conn.Close() }, nil
}

// send writes the INSTREAM command, r's content in chunks and the end of the stream.
func (c *Client) send(conn net.Conn, r io.Reader) error {
	max := c.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	w := bufio.NewWriterSize(conn, chunkSize+4)
	if _, err := w.WriteString("zINSTREAM\x00"); err != nil {
		return fmt.Errorf("clamd: send: %w", err)
	}
	buf := make([]byte, chunkSize)
	var sent int64
	var head [4]byte
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			if sent += int64(n); sent > max {
				return ErrSizeLimit
			}
			binary.BigEndian.PutUint32(head[:], uint32(n))
			w.Write(head[:])
			if _, err := w.Write(buf[:n]); err != nil {
				return fmt.Errorf("clamd: send: %w", err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("clamd: read file: %w", rerr)
		}
	}
	binary.BigEndian.PutUint32(head[:], 0)
	w.Write(head[:])
	if err := w.Flush(); err != nil {
		return fmt.Errorf("clamd: send: %w", err)
	}
	return nil
}

// readReply reads clamd's answer up to its terminating null byte (or the end of the
// connection), without it and surrounding space.
func readReply(conn net.Conn) (string, error) {
	b, err := io.ReadAll(&untilNull{r: io.LimitReader(conn, maxReply)})
	if err != nil {
		return "", err
	}
	if len(b) == 0 {
		return "", errors.New("no answer")
	}
	return strings.TrimSpace(string(b)), nil
}

// untilNull reads up to a null byte, which ends clamd's answers to z-commands.
type untilNull struct {
	r    io.Reader
	done bool
}

func (u *untilNull) Read(p []byte) (int, error) {
	if u.done {
		return 0, io.EOF
	}
	n, err := u.r.Read(p)
	if i := bytes.IndexByte(p[:n], 0); i >= 0 {
		u.done = true
		return i, nil
	}
	return n, err
}

// parseReply reads clamd's answer to INSTREAM.
func parseReply(reply string) (found string, err error) {
	if strings.HasPrefix(reply, sizeLimitReply) {
		return "", ErrSizeLimit
	}
	rest, ok := strings.CutPrefix(reply, "stream: ")
	switch {
	case ok && rest == "OK":
		return "", nil
	case ok && strings.HasSuffix(rest, " FOUND"):
		if name := strings.TrimSpace(strings.TrimSuffix(rest, " FOUND")); name != "" {
			return name, nil
		}
	}
	return "", fmt.Errorf("clamd: answer %q", reply)
}
