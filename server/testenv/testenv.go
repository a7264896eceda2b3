// Package testenv starts the whole account centre for a test: the real server with the embedded
// store in a temporary directory (or, on the MongoDB engine, a fresh database on MONGODB_URI's
// server or on the in-process wire-protocol engine), the local stand-ins, and the captcha on,
// listening on a loopback port. A test can stop it and start it again on the same data. API tests and browser tests use it,
// so they exercise exactly what production wires together.
package testenv

import (
	"context"
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
	"jszg/server/store"
	"jszg/server/store/mongo"
	"jszg/server/store/mongo/mongotest"
)

// Env is a running server.
type Env struct {
	URL    string
	Server *server.Server
	Config *config.Config

	t      testing.TB
	opts   []Option
	engine string
	mongo  *mongo.DB // the test database on the MongoDB engines
	stop   func()
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

// Engines the tests can run the server on: the embedded SQLite store, and the MongoDB engine
// (on MONGODB_URI's server when set, otherwise on the in-process wire-protocol engine).
const (
	SQLite  = "sqlite"
	MongoDB = "mongodb"
)

// DefaultEngine is SQLite, or MongoDB when MONGODB_URI is set or JSZG_TEST_STORE=ferretdb.
func DefaultEngine() string {
	if os.Getenv("MONGODB_URI") != "" || os.Getenv("JSZG_TEST_STORE") == "ferretdb" {
		return MongoDB
	}
	return SQLite
}

// Start runs the server on the default engine until the test ends.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	return StartOn(t, DefaultEngine(), opts...)
}

// StartOn runs the server on the given engine until the test ends.
func StartOn(t testing.TB, engine string, opts ...Option) *Env {
	t.Helper()
	cfg := &config.Config{
		Addr:            "127.0.0.1:0",
		Database:        "jszg",
		DataDir:         t.TempDir(),
		WebDir:          WebDir(),
		ShutdownTimeout: 5 * time.Second,
	}
	e := &Env{t: t, opts: opts, engine: engine}
	if engine == MongoDB {
		e.mongo = mongotest.Open(t)
	}
	e.start(cfg)
	return e
}

// Restart stops the server and starts a new one on the same data, as a person stopping and
// starting the product would.
func (e *Env) Restart() *Env {
	e.t.Helper()
	e.Stop()
	cfg := *e.Config
	cfg.Addr = "127.0.0.1:0"
	n := &Env{t: e.t, opts: e.opts, engine: e.engine, mongo: e.mongo}
	n.start(&cfg)
	return n
}

// Stop shuts the server down now (it is also stopped when the test ends).
func (e *Env) Stop() {
	if e.stop != nil {
		e.stop()
		e.stop = nil
	}
}

func (e *Env) start(cfg *config.Config) {
	t := e.t
	t.Helper()
	// Cheap hashing keeps tests fast; the parameters are stored in each hash, so the code path
	// is the production one.
	o := server.Options{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		HashParams: &account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1},
		// Test clients answer a puzzle the moment they have it; the server's own elapsed-time
		// rule has its test in package captcha, on a fake clock.
		CaptchaMinElapsed: -1,
	}
	if testing.Verbose() && os.Getenv("JSZG_TEST_LOG") != "" {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	for _, opt := range e.opts {
		opt(cfg, &o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if e.mongo != nil {
		o.Stores = store.OnMongo(mongotest.Reopen(t, e.mongo))
	}
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
	e.stop = func() {
		stop()
		<-done
		srv.Close()
	}
	t.Cleanup(e.Stop)
	e.URL, e.Server, e.Config = "http://"+ln.Addr().String(), srv, cfg
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
