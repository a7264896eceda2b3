package passwordreset

import (
	"context"
	"errors"
	"time"
)

// Kinds of ticket.
const (
	// KindFlow is a started reset: 输入账号 passed, a way of proving is being chosen.
	KindFlow = "flow"
	// KindLink is a one-time link sent by e-mail or WeChat template message.
	KindLink = "link"
)

// Ticket is one started reset or one link. Only the SHA-256 of its token is kept, so a copy of
// the database opens no reset.
type Ticket struct {
	ID        string // hex SHA-256 of the token
	Kind      string
	AccountID string // "" for a flow whose 输入账号 matched no account
	DocNumber string // normalised; the per-account limits count it, account or not
	Decoy     string // keys the stand-in answers of a flow that matched no account
	Channel   string // link: email or wechat
	Stamp     string // link: fingerprint of the password hash it was issued under
	Scene     string // flow: the WeChat reset scene last shown
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
}

// ErrNotFound: no live ticket has that id.
var ErrNotFound = errors.New("password reset ticket not found")

// Store keeps the tickets until they expire. Every change is one conditional update of one
// ticket.
type Store interface {
	// Insert adds a ticket.
	Insert(ctx context.Context, t *Ticket) error
	// Get returns the ticket if it has not expired at now (used or not); ErrNotFound otherwise.
	Get(ctx context.Context, id string, now time.Time) (*Ticket, error)
	// SetScene records the WeChat scene shown for a live, unused ticket.
	SetScene(ctx context.Context, id, scene string, now time.Time) error
	// Use marks the ticket used at now if it is live and unused; it reports whether this call
	// did. Of concurrent uses of one ticket, one alone succeeds.
	Use(ctx context.Context, id string, now time.Time) (bool, error)
}
