package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"jszg/server/code"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// status is the one place where error codes become HTTP statuses.
func status(c errcode.Code) int {
	switch c {
	case errcode.ResetLegacyAccount, errcode.ResetMethodRefused, errcode.ResetWeChatPending:
		return http.StatusConflict
	case errcode.ResetFlowExpired, errcode.ResetLinkInvalid, errcode.MoEPendingExpired:
		return http.StatusGone
	case errcode.EmailUnavailable, errcode.MoEUnavailable:
		return http.StatusServiceUnavailable
	case errcode.Unauthorized, errcode.SessionExpired, errcode.SignInFailed:
		return http.StatusUnauthorized
	case errcode.Forbidden, errcode.CSRFFailed, errcode.RealNameRequired, errcode.StaffOnly:
		return http.StatusForbidden
	case errcode.NotFound, errcode.WeChatSceneExpired, errcode.WeChatNotBound:
		return http.StatusNotFound
	case errcode.DocNumberTaken, errcode.WeChatAccountBound, errcode.WeChatOpenIDTaken:
		return http.StatusConflict
	case errcode.BodyTooLarge:
		return http.StatusRequestEntityTooLarge
	case errcode.URITooLong:
		return http.StatusRequestURITooLong
	case errcode.HeadersTooLarge:
		return http.StatusRequestHeaderFieldsTooLarge
	case errcode.SignInSlowed, errcode.CaptchaTooManyFailures:
		return http.StatusTooManyRequests
	case errcode.LegacyReRegistrationPending:
		return http.StatusConflict
	case errcode.AccountLocked, errcode.TooManyRequests, errcode.CodeRateLimited, errcode.RealNameQuota, errcode.ReviewQuota:
		return http.StatusTooManyRequests
	case errcode.RealNameReviewPending, errcode.ReviewPending, errcode.ReviewClaimed, errcode.ReviewDecided:
		return http.StatusConflict
	case errcode.Unavailable, errcode.WeChatUnavailable, errcode.RealNameUnavailable:
		return http.StatusServiceUnavailable
	case errcode.Internal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// ErrorHandler turns every error a handler returns into an api.ErrorResponse. Every route of the
// server, whichever package mounts it, answers errors through it.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var (
			form *errcode.FormError
			e    *errcode.Error
			rl   *code.RateLimited
			fe   *fiber.Error
		)
		switch {
		case errors.As(err, &form):
			body := api.ErrorResponse{Code: form.Errors[0].Code, Message: form.Errors[0].Error(), Field: form.Errors[0].Field}
			for _, f := range form.Errors {
				body.Fields = append(body.Fields, api.FieldError{Field: f.Field, Code: f.Code, Message: f.Error()})
			}
			return c.Status(http.StatusBadRequest).JSON(body)
		case errors.As(err, &e):
			return writeError(c, e)
		case errors.As(err, &rl):
			return writeError(c, errcode.After(errcode.CodeRateLimited, rl.RetryAfter))
		case errors.As(err, &fe):
			switch fe.Code {
			case http.StatusRequestEntityTooLarge:
				return writeError(c, errcode.New(errcode.BodyTooLarge))
			case http.StatusRequestURITooLong:
				return writeError(c, errcode.New(errcode.URITooLong))
			case http.StatusRequestHeaderFieldsTooLarge:
				return writeError(c, errcode.New(errcode.HeadersTooLarge))
			case http.StatusNotFound, http.StatusMethodNotAllowed:
				return writeError(c, errcode.New(errcode.NotFound))
			case http.StatusBadRequest, http.StatusUnsupportedMediaType:
				return writeError(c, errcode.New(errcode.BadRequest))
			}
		}
		log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
		return writeError(c, errcode.New(errcode.Internal))
	}
}

func writeError(c *fiber.Ctx, e *errcode.Error) error {
	body := api.ErrorResponse{Code: e.Code, Message: e.Error(), Field: e.Field, RetryAfter: e.RetryAfter}
	if e.Field != "" {
		body.Fields = []api.FieldError{{Field: e.Field, Code: e.Code, Message: e.Error()}}
	}
	if e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
	}
	return c.Status(status(e.Code)).JSON(body)
}
