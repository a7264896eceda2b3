// Package sms sends verification codes (验证码) to mainland mobile numbers. Flows depend on the
// Sender interface only; Tencent is the real adapter (Tencent Cloud SMS, API 2021-01-11), and
// package smsfake is a local stand-in that speaks the same signed HTTP protocol, so the adapter
// that runs in production is the one the tests and the local run exercise. A failure says what
// the flow can do about it (errors.Is with ErrRateLimited, ErrPhoneRejected or ErrUnavailable)
// and keeps the provider's code for operators; neither the code sent nor the whole phone number
// ever appears in an error or a log line.
package sms

import (
	"context"
	"errors"
	"regexp"
	"strings"
)

// Sender delivers a verification code to a mainland mobile number.
type Sender interface {
	SendCode(ctx context.Context, phone, code string, validMinutes int) error
}

// What a flow can do about a failed send. Suggested user-facing codes: ErrRateLimited →
// errcode.CodeRateLimited, ErrPhoneRejected → errcode.PhoneInvalid, ErrUnavailable →
// errcode.Unavailable.
var (
	// ErrRateLimited: the provider refuses more messages to this number for now (its own
	// per-number limits, which are stricter than nothing but looser than ours).
	ErrRateLimited = errors.New("sms: number rate-limited by the provider")
	// ErrPhoneRejected: the number cannot receive messages (malformed, not a mobile, blacklisted
	// or unsubscribed).
	ErrPhoneRejected = errors.New("sms: number rejected")
	// ErrUnavailable: the provider could not be reached or refused the account, signature,
	// template or balance; nothing the user can fix, operators must look.
	ErrUnavailable = errors.New("sms: provider unavailable")
)

// Error is a send that failed, with the provider's reason.
type Error struct {
	// Kind is ErrRateLimited, ErrPhoneRejected or ErrUnavailable.
	Kind error
	// Code is the provider's error code, e.g. LimitExceeded.PhoneNumberDailyLimit.
	Code string
	// Message is the provider's explanation, with long digit runs masked.
	Message   string
	RequestID string
	// Phone is the number, masked (138****5678).
	Phone string
	cause error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Phone != "" {
		b.WriteString(" (" + e.Phone + ")")
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" [request " + e.RequestID + "]")
	}
	return b.String()
}

// Unwrap lets errors.Is match the Kind and the underlying cause (a timeout, say).
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.cause}
}

// mainlandMobile is the shape of a number we send to: 1[3-9] and 9 more digits.
var mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// maskPhone shows a mainland mobile number as the product shows it everywhere: 185****1234.
func maskPhone(phone string) string {
	if len(phone) != 11 {
		return strings.Repeat("*", len(phone))
	}
	return phone[:3] + "****" + phone[7:]
}

// digitRuns matches anything long enough to be a code or a phone number.
var digitRuns = regexp.MustCompile(`[0-9]{6,}`)

// scrub keeps a provider's message fit for a log line: no codes or numbers, bounded length.
func scrub(msg string) string {
	msg = digitRuns.ReplaceAllStringFunc(msg, func(s string) string { return strings.Repeat("*", len(s)) })
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	return msg
}
