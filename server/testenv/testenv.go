// Package testenv starts the whole account centre for a test: the real server with the embedded
// store in a temporary directory (or a fresh database on MONGODB_URI when set), the local
// stand-ins, and the captcha on, listening on a loopback port. API tests and browser tests use it,
// so they exercise exactly what production wires together.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"jszg/server"
	"jszg/server/account"
	"jszg/server/clock"
	"jszg/server/config"
	"jszg/server/outbox"
)

// Env is a running server.
type Env struct {
	URL    string
	Server *server.Server
	Config *config.Config
}

// Option changes the environment.
type Option func(*config.Config, *server.Options)

// WithClock runs the server on the given clock.
func WithClock(c clock.Clock) Option {
	return func(_ *config.Config, o *server.Options) { o.Clock = c }
}

// WithConfig lets a test change the configuration.
func WithConfig(f func(*config.Config)) Option {
	return func(c *config.Config, _ *server.Options) { f(c) }
}

// WithRealHashing uses the production password-hash parameters (benchmarks).
func WithRealHashing() Option {
	return func(_ *config.Config, o *server.Options) { o.HashParams = &account.DefaultHashParams }
}

// Start runs the server until the test ends.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	cfg := &config.Config{
		Addr:            "127.0.0.1:0",
		MongoURI:        os.Getenv("MONGODB_URI"),
		Database:        "jszg_test_" + hex.EncodeToString(b[:]),
		DataDir:         t.TempDir(),
		WebDir:          WebDir(),
		ShutdownTimeout: 5 * time.Second,
	}
	// Cheap hashing keeps tests fast; the parameters are stored in each hash, so the code path
	// is the production one.
	o := server.Options{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		HashParams: &account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1},
	}
	if testing.Verbose() && os.Getenv("JSZG_TEST_LOG") != "" {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	for _, opt := range opts {
		opt(cfg, &o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := server.New(ctx, cfg, o)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(runCtx, ln)
	}()
	t.Cleanup(func() {
		stop()
		<-done
		if !srv.Store.Embedded {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = srv.Store.DB.Drop(ctx)
			cancel()
		}
		srv.Close()
	})
	return &Env{URL: "http://" + ln.Addr().String(), Server: srv, Config: cfg}
}

// CaptchaX returns the solution of a live puzzle, so that a test can drag to the right place.
func (e *Env) CaptchaX(ctx context.Context, id string) (int, error) {
	return e.Server.Captcha.Answer(ctx, id)
}

// LastCode returns the newest code the outbox holds for a recipient.
func (e *Env) LastCode(ctx context.Context, to string) (string, error) {
	msgs, err := e.Server.Outbox.List(ctx, to, 1)
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return "", fmt.Errorf("no message to %s", to)
	}
	return msgs[0].Code, nil
}

// Outbox lists the messages the stand-ins kept, newest first, read over HTTP as a person would.
func (e *Env) Outbox(to string) ([]outbox.Message, error) {
	resp, err := http.Get(e.URL + "/dev/outbox.json?to=" + to)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var msgs []outbox.Message
	return msgs, json.NewDecoder(resp.Body).Decode(&msgs)
}

// WebDir is the repository's web folder (built client), found from this source file.
func WebDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "web")
}
