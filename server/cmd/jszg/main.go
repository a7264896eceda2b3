// Command jszg runs the account centre: with no configuration, the whole product on
// http://127.0.0.1:8080 with the embedded store and local stand-ins (see README.md).
//
//	jszg                      serve (also: jszg serve)
//	jszg seed --accounts N    write N synthetic applicants straight into the embedded store
//	jszg rotate-keys          re-encrypt personal data with the first key of JSZG_PII_KEYS,
//	                          in batches, while servers keep serving
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"jszg/server"
	"jszg/server/config"
	"jszg/server/seed"
	"jszg/server/store"
	"jszg/server/store/sqlite"
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

	cmd, args := "serve", os.Args[1:]
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "seed":
		err = seedCmd(ctx, cfg, log, args)
	case "rotate-keys":
		err = rotateKeysCmd(ctx, cfg, log, args)
	default:
		err = fmt.Errorf("unknown command %q (want serve, seed or rotate-keys)", cmd)
	}
	if err != nil {
		log.Error(cmd, "err", err)
		os.Exit(1)
	}
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	srv, err := server.New(ctx, cfg, server.Options{Log: log})
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	where := "MongoDB"
	if srv.Stores.SQLite != nil {
		where = "embedded store " + srv.Stores.SQLite.Path()
	}
	log.Info("jszg account centre", "url", "http://"+ln.Addr().String(), "store", where, "stand-ins", cfg.StandIns())
	if cfg.StandIns() {
		log.Info("local stand-ins on: SMS codes at http://" + ln.Addr().String() + "/dev/outbox")
	}
	return srv.Serve(ctx, ln)
}

// seedCmd fills the embedded store with synthetic applicants, numbered on from those already
// there, in transactions of 10,000.
func seedCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	n := fs.Int("accounts", 10000, "how many synthetic applicants to add")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !cfg.StandIns() || cfg.MongoURI != "" {
		return errors.New("seed writes synthetic applicants into the embedded store only: refused with MONGODB_URI or real providers configured")
	}
	db, err := sqlite.Open(ctx, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := server.UsePersonalDataKeys(ctx, store.OnSQLite(db), cfg.Security); err != nil {
		return err
	}
	added, err := seed.Into(ctx, db, *n, func(done int) { log.Info("seeding", "added", done) })
	if err != nil {
		return err
	}
	log.Info("seeded", "added", added, "password", seed.Password, "first", seed.DocNumber(0))
	return nil
}

// rotateKeysCmd re-encrypts every account not sealed with the current key. Servers may keep
// running: each account is rewritten by one conditional statement, and every server opens
// values sealed with any configured key (keep the old key in JSZG_PII_KEYS until this is done).
func rotateKeysCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("rotate-keys", flag.ContinueOnError)
	batch := fs.Int("batch", 500, "accounts re-encrypted per batch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n, err := server.RotateKeys(ctx, cfg, *batch, func(done int) { log.Info("re-encrypting", "accounts", done) })
	if err != nil {
		return err
	}
	log.Info("personal data re-encrypted", "accounts", n)
	return nil
}
