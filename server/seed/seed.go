// Package seed makes synthetic applicants for benchmarks and demos (jszg seed): valid,
// deterministic identities (an ID number with a correct GB 11643 check character, a name, a
// phone), so that the store can be measured at a realistic size and a benchmark can sign in as
// any of them. They all share one password, SeedPassword, hashed once: a seeded store is never a
// production one, and the command refuses to run when real providers are configured.
package seed

import (
	"context"
	"fmt"
	"time"

	"jszg/server/account"
	"jszg/server/store/sqlite"
	"jszg/shared/api"
	"jszg/shared/document"
)

// Password is the password of every seeded account.
const Password = "Seed-Teach3r-2026!"

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given    = []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"}
	regions  = []string{"110105", "310101", "440106", "510104", "330106", "320102", "420102", "610103", "210102", "370102"}
	born     = time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
)

// DocNumber is the ID number of seeded applicant i, unique for every i below 36,500,000: ten
// regions, a birthday per thousand applicants of a region (ten years of birthdays from 1965), and
// the order code.
func DocNumber(i int) string {
	j := i / len(regions)
	birth := born.AddDate(0, 0, j/1000)
	body := fmt.Sprintf("%s%s%03d", regions[i%len(regions)], birth.Format("20060102"), j%1000)
	c, _ := document.ChecksumChar(body)
	return body + string(c)
}

// Account returns seeded applicant i with the given password hash, registered at created.
func Account(i int, passwordHash string, created time.Time) *account.Account {
	n := DocNumber(i)
	sex := "female"
	if (n[16]-'0')%2 == 1 {
		sex = "male"
	}
	birth, _ := time.Parse("20060102", n[6:14])
	from := birth.AddDate(30, 0, 0)
	return &account.Account{
		ID:           fmt.Sprintf("seed%020d", i),
		DocType:      api.DocIDCard,
		DocNumber:    n,
		Name:         string(surnames[i%len(surnames)]) + given[i/len(surnames)%len(given)],
		Sex:          sex,
		BirthDate:    document.FormatDate(birth),
		Ethnicity:    "汉族",
		ValidityTerm: "20y",
		ValidFrom:    document.FormatDate(from),
		ValidUntil:   document.FormatDate(from.AddDate(20, 0, 0)),
		Email:        fmt.Sprintf("seed%d@example.com", i),
		Phone:        fmt.Sprintf("139%08d", i%100000000),
		PasswordHash: passwordHash,
		RealName:     account.RealNameNone,
		CreatedAt:    created,
	}
}

// Into adds n synthetic applicants to db after those it has, in transactions of 10,000.
func Into(ctx context.Context, db *sqlite.DB, n int, progress func(int)) (int, error) {
	have, err := db.CountAccounts(ctx)
	if err != nil {
		return 0, err
	}
	hash := account.NewHasher(account.DefaultHashParams).Hash(Password)
	created := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	added := 0
	batch := make([]*account.Account, 0, 10000)
	for i := have; i < have+n; i++ {
		batch = append(batch, Account(i, hash, created))
		if len(batch) == cap(batch) || i == have+n-1 {
			k, err := db.SeedAccounts(ctx, batch)
			if err != nil {
				return added, err
			}
			added += k
			batch = batch[:0]
			if progress != nil && added%100000 == 0 {
				progress(added)
			}
		}
	}
	return added, db.Checkpoint(ctx)
}
