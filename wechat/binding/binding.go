// Package binding links an account to the openid of one WeChat user of the service account
// (绑定): one openid binds one account and one account binds one openid, both held by the
// store's uniqueness (Store), so two concurrent binds can never both succeed. Rule on
// unfollowing: the binding stays, marked unfollowed with the time, because an openid never changes for the service account and the user may follow again
// (which clears the mark); while unfollowed, WeChat refuses template messages, so notices go by
// SMS instead. Only what the flows need is kept: no nickname, avatar or other WeChat profile data.
package binding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jszg/server/clock"
)

// How an account came to be bound.
const (
	ViaScan         = "scan"         // scanned a binding QR code in the personal centre
	ViaOAuth        = "oauth"        // snsapi_base authorization inside WeChat
	ViaRegistration = "registration" // scanned for the registration code
)

// Refusals.
var (
	ErrOpenIDTaken  = errors.New("this WeChat user is bound to another account")
	ErrAccountBound = errors.New("this account is bound to another WeChat user")
	ErrNotBound     = errors.New("not bound")
)

// Binding is one account's link to WeChat.
type Binding struct {
	AccountID string
	OpenID    string
	Via       string
	BoundAt   time.Time
	Followed  bool
	// UnfollowedAt is when the user last unfollowed (zero while following).
	UnfollowedAt time.Time
}

// ErrExists is the store's refusal of a second binding of an account or of an openid.
var ErrExists = errors.New("account or openid already bound")

// Store keeps the bindings, unique by account and unique by openid.
type Store interface {
	// Insert adds b, or returns ErrExists when b.AccountID or b.OpenID is bound already; of
	// concurrent inserts sharing either, one succeeds.
	Insert(ctx context.Context, b Binding) error
	// Delete removes the account's binding; ErrNotBound when there is none.
	Delete(ctx context.Context, accountID string) error
	// ByAccount and ByOpenID return a binding, or ErrNotBound.
	ByAccount(ctx context.Context, accountID string) (*Binding, error)
	ByOpenID(ctx context.Context, openid string) (*Binding, error)
	// SetFollowed records a follow (clearing UnfollowedAt) or an unfollow at `at` on the binding
	// of openid; nothing when it is not bound.
	SetFollowed(ctx context.Context, openid string, followed bool, at time.Time) error
}

// Bindings binds accounts to openids.
type Bindings struct {
	st  Store
	clk clock.Clock
}

// New returns the bindings kept in st.
func New(st Store, clk clock.Clock) *Bindings {
	return &Bindings{st: st, clk: clk}
}

// Bind links accountID to openid. Binding the same pair again succeeds (and records a follow when
// followed). It returns ErrAccountBound or ErrOpenIDTaken when either side is already linked
// elsewhere.
func (b *Bindings) Bind(ctx context.Context, accountID, openid, via string, followed bool) error {
	if accountID == "" || openid == "" {
		return errors.New("bind: account and openid are required")
	}
	err := b.st.Insert(ctx, Binding{AccountID: accountID, OpenID: openid, Via: via, BoundAt: b.clk.Now(), Followed: followed})
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrExists) {
		return fmt.Errorf("bind: %w", err)
	}
	cur, gerr := b.Get(ctx, accountID)
	switch {
	case errors.Is(gerr, ErrNotBound):
		return ErrOpenIDTaken
	case gerr != nil:
		return gerr
	case cur.OpenID != openid:
		return ErrAccountBound
	}
	if followed && !cur.Followed {
		return b.SetFollowed(ctx, openid, true)
	}
	return nil
}

// Unbind removes the account's binding; ErrNotBound when there was none.
func (b *Bindings) Unbind(ctx context.Context, accountID string) error {
	err := b.st.Delete(ctx, accountID)
	if err != nil && !errors.Is(err, ErrNotBound) {
		return fmt.Errorf("unbind: %w", err)
	}
	return err
}

// Get returns the account's binding, or ErrNotBound.
func (b *Bindings) Get(ctx context.Context, accountID string) (*Binding, error) {
	return b.st.ByAccount(ctx, accountID)
}

// ByOpenID returns the binding of openid, or ErrNotBound.
func (b *Bindings) ByOpenID(ctx context.Context, openid string) (*Binding, error) {
	return b.st.ByOpenID(ctx, openid)
}

// SetFollowed records a follow or an unfollow of openid on its binding (nothing when unbound:
// the follow state of WeChat users without an account is not kept).
func (b *Bindings) SetFollowed(ctx context.Context, openid string, followed bool) error {
	if err := b.st.SetFollowed(ctx, openid, followed, b.clk.Now()); err != nil {
		return fmt.Errorf("record follow: %w", err)
	}
	return nil
}

// MaskOpenID shows the first and last 4 characters of an openid: enough for the owner to tell
// two bindings apart, too little to be used elsewhere.
func MaskOpenID(s string) string {
	if len(s) <= 8 {
		return "****"
	}
	return s[:4] + "****" + s[len(s)-4:]
}
