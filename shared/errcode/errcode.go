// Package errcode defines the stable error codes of jszg, each with the one Chinese message a user
// sees. The server sends the code in every error response and the Wasm client shows the message;
// because both compile this package, the wording is defined exactly once.
package errcode

import (
	"errors"
	"time"
)

// Code is a stable, machine-readable error identifier. Codes never change once published; the
// API's clients switch on them.
type Code string

// Error is a rule or flow failure: a code, optionally tied to the form field it concerns.
type Error struct {
	Code  Code   `json:"code"`
	Field string `json:"field,omitempty"`
	// RetryAfter, in seconds, says when a refused request may be repeated (limits, lockouts).
	RetryAfter int `json:"retry_after,omitempty"`
}

// New returns an error with the given code and no field.
func New(c Code) *Error { return &Error{Code: c} }

// AtField returns an error with the given code tied to a form field (the API's JSON field name).
func AtField(field string, c Code) *Error { return &Error{Code: c, Field: field} }

// Later returns an error with the given code that may be retried after the given seconds.
func Later(c Code, seconds int) *Error { return &Error{Code: c, RetryAfter: max(seconds, 1)} }

// After returns an error with the given code that may be retried after d.
func After(c Code, d time.Duration) *Error { return Later(c, RetrySeconds(d)) }

// RetrySeconds is d in whole seconds, rounded up and at least 1: a client told "retry after 0"
// would retry at once and be refused again.
func RetrySeconds(d time.Duration) int { return max(int((d+time.Second-1)/time.Second), 1) }

// Error returns the Chinese message, so an *Error can be shown as it is.
func (e *Error) Error() string { return e.Code.Message() }

// Message returns the Chinese message for the code; an unknown code gets the generic one.
func (c Code) Message() string {
	if m, ok := messages[c]; ok {
		return m
	}
	return messages[Internal]
}

// Known reports whether c is a defined code.
func (c Code) Known() bool { _, ok := messages[c]; return ok }

// All returns every defined code (for documentation and tests).
func All() []Code {
	out := make([]Code, 0, len(messages))
	for c := range messages {
		out = append(out, c)
	}
	return out
}

// FormError lists every rejected field of a form, so that a page can mark them all at once.
type FormError struct {
	Errors []*Error
}

func (e *FormError) Error() string { return e.Errors[0].Error() }

// Of returns the code of err: "" for nil, the code of an *Error (or FormError's first), and
// Internal for any other error, which is ours to fix rather than the user's.
func Of(err error) Code {
	var e *Error
	var f *FormError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.As(err, &f) && len(f.Errors) > 0:
		return f.Errors[0].Code
	}
	return Internal
}
