// Package mail sends e-mail (the 邮箱重置密码 link) over SMTP. Flows depend on Sender only; SMTP
// is the real adapter (github.com/wneessen/go-mail: STARTTLS or implicit TLS, timeouts, a few
// tries for temporary failures), and StandIn is a real SMTP server in process
// (github.com/emersion/go-smtp) that keeps what it receives in the developer outbox. The local
// run and the tests therefore send through the adapter production uses, over the SMTP protocol.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Sender delivers e-mail.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// TLS modes.
const (
	TLSStartTLS = "starttls" // port 587: STARTTLS required
	TLSImplicit = "tls"      // port 465: TLS from the first byte
	TLSNone     = "none"     // the local stand-in only
)

// SMTPConfig is a submission server and the account to send from.
type SMTPConfig struct {
	Host     string
	Port     int // default 587 (465 with TLSImplicit)
	Username string
	Password string
	From     string // the From address, e.g. noreply@jszg.edu.cn
	TLS      string // TLSStartTLS (default), TLSImplicit or TLSNone
	// Timeout bounds one try (connect, TLS, send); default 15 s.
	Timeout time.Duration
	// Attempts is how many times a temporary failure is tried; default 3.
	Attempts int
	// Backoff is the first pause between tries, doubled after each; default 1 s.
	Backoff time.Duration
	// TLSConfig, when set, replaces the default (tests trust their own certificate with it).
	TLSConfig *tls.Config
}

// SMTP sends e-mail through a submission server.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP checks the configuration; it makes no connection.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, errors.New("mail: the SMTP host and the From address are required")
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("mail: unknown TLS mode %q (want starttls, tls or none)", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Attempts == 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Second
	}
	return &SMTP{cfg: cfg}, nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	c := s.cfg
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(c.Timeout)}
	switch c.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(c.TLSConfig))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}

// Send implements Sender: a temporary failure (a 4xx answer, a broken connection) is tried again
// with growing pauses, within ctx; a permanent refusal (5xx) is not.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: From: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: To: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	pause := s.cfg.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		var c *gomail.Client
		c, err = s.client()
		if err != nil {
			return fmt.Errorf("mail: %w", err)
		}
		if err = c.DialAndSendWithContext(ctx, msg); err == nil {
			return nil
		}
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return fmt.Errorf("mail: refused: %w", err)
		}
		if attempt >= s.cfg.Attempts {
			break
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("mail: %w (after %v)", ctx.Err(), err)
		case <-t.C:
		}
		pause *= 2
	}
	return fmt.Errorf("mail: not sent after %d tries: %w", s.cfg.Attempts, err)
}
