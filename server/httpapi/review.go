package httpapi

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"jszg/server/review"
	"jszg/server/session"
	"jszg/shared/api"
	"jszg/shared/errcode"
	"jszg/shared/photo"
)

// mountReview adds the applicant's side of 人工审核 to the signed-in routes.
func (a *API) mountReview() {
	if a.d.Review == nil {
		return
	}
	a.Authed.Get("/review", a.reviewStatus)
	a.Authed.Post("/review", a.submitReview)
	a.Authed.Get("/review/:id/photos/:kind", a.ownReviewPhoto)
}

func (a *API) reviewStatus(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	st, err := a.d.Review.Status(c.UserContext(), sess.AccountID)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// submitReview takes the form as multipart/form-data: the photos are files, and base64 in JSON
// would make each a third larger.
func (a *API) submitReview(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	form, err := c.MultipartForm()
	if err != nil {
		return errcode.New(errcode.BadRequest)
	}
	value := func(name string) string {
		if v := form.Value[name]; len(v) == 1 {
			return v[0]
		}
		return ""
	}
	sub := review.Submission{
		ValidityTerm: value(api.ReviewFieldTerm), ValidFrom: value(api.ReviewFieldFrom),
		ValidUntil: value(api.ReviewFieldUntil), Reason: value(api.ReviewFieldReason),
		Photos: map[string][]byte{},
	}
	for _, kind := range photo.Kinds {
		files := form.File[api.ReviewPhotoPrefix+kind]
		if len(files) != 1 {
			continue // missing: the flow names the field
		}
		f, err := files[0].Open()
		if err != nil {
			return errcode.New(errcode.BadRequest)
		}
		// One byte past the limit is enough to know it is too large.
		data, err := io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
		_ = f.Close()
		if err != nil {
			return errcode.New(errcode.BadRequest)
		}
		sub.Photos[kind] = data
	}
	res, err := a.d.Review.Submit(c.UserContext(), sess.AccountID, sub, c.IP())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (a *API) ownReviewPhoto(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	data, err := a.d.Review.Photo(c.UserContext(), c.Params("id"), c.Params("kind"), sess.AccountID, false, c.IP())
	if err != nil {
		return err
	}
	return sendPhoto(c, data)
}

// sendPhoto answers with a photo that no cache keeps and no browser sniffs into something else.
func sendPhoto(c *fiber.Ctx, data []byte) error {
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'")
	return c.Send(data)
}
