package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is a message the stand-in accepted, decoded.
type Received struct {
	From    string
	To      []string
	Subject string
	Text    string
}

// StandIn is a real SMTP server on a loopback port that accepts every message and hands it to
// OnMessage (the server puts it in the developer outbox). It speaks plain SMTP without
// authentication: it only ever listens on 127.0.0.1.
type StandIn struct {
	Addr string // host:port
	srv  *smtp.Server
	ln   net.Listener
}

// StartStandIn listens on a free loopback port.
func StartStandIn(onMessage func(Received)) (*StandIn, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &standInSession{on: onMessage}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.MaxRecipients = 10
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = discardLog{}
	go func() { _ = srv.Serve(ln) }()
	return &StandIn{Addr: ln.Addr().String(), srv: srv, ln: ln}, nil
}

// Port is the port the stand-in listens on.
func (s *StandIn) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server.
func (s *StandIn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return s.srv.Close()
	}
	return nil
}

type standInSession struct {
	on   func(Received)
	from string
	to   []string
}

func (s *standInSession) Reset()        { s.from, s.to = "", nil }
func (s *standInSession) Logout() error { return nil }

func (s *standInSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *standInSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *standInSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Decode(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "cannot parse message"}
	}
	m.From, m.To = s.from, append([]string(nil), s.to...)
	if s.on != nil {
		s.on(m)
	}
	return nil
}

// Decode reads a plain-text message as go-mail writes it: MIME-encoded subject, quoted-printable
// or base64 body.
func Decode(raw []byte) (Received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	body, err := decodeBody(msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return Received{}, err
	}
	return Received{Subject: subject, Text: strings.ReplaceAll(string(body), "\r\n", "\n")}, nil
}

func decodeBody(enc string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "quoted-printable":
		return io.ReadAll(quotedPrintable(r))
	case "base64":
		return io.ReadAll(base64Reader(r))
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(r)
	}
	return nil, fmt.Errorf("unknown transfer encoding %q", enc)
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}
