// Command jszg runs the account centre: with no configuration, the whole product on
// http://127.0.0.1:8080 with the embedded store and local stand-ins (see README.md).
package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"jszg/server"
	"jszg/server/config"
)

func main() {
	cfg, err := config.FromEnv()
	if err != nil {
		slog.Error("configuration", "err", err)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := server.New(ctx, cfg, server.Options{Log: log})
	if err != nil {
		log.Error("start", "err", err)
		os.Exit(1)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("listen", "err", err)
		os.Exit(1)
	}
	store := "MongoDB"
	if srv.Store.Embedded {
		store = "embedded store in " + cfg.DataDir
	}
	log.Info("jszg account centre", "url", "http://"+ln.Addr().String(), "store", store, "stand-ins", cfg.StandIns())
	if cfg.StandIns() {
		log.Info("local stand-ins on: SMS codes at http://" + ln.Addr().String() + "/dev/outbox")
	}
	if err := srv.Serve(ctx, ln); err != nil {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}
