package document

import (
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// ParsePermitNumber checks the number of the travel permit (通行证号码) a residence permit holder
// gives, for the holder's region, and returns it normalised (trimmed, ASCII, upper case):
//   - Hong Kong and Macau residents hold the 港澳居民来往内地通行证, whose number is H (Hong
//     Kong) or M (Macau) followed by 8 or 10 digits; a letter of the other region is refused with
//     errcode.PermitNumberRegion, since picking the wrong region is the likelier mistake;
//   - Taiwan residents hold the 台湾居民来往大陆通行证, whose card-format number is 8 digits.
func ParsePermitNumber(region, s string) (string, error) {
	n := NormalizeNumber(s)
	if n == "" {
		return "", errcode.New(errcode.PermitNumberRequired)
	}
	switch region {
	case api.RegionHongKong, api.RegionMacau:
		if len(n) != 9 && len(n) != 11 || !allDigits(n[1:]) {
			return "", errcode.New(errcode.PermitNumberInvalid)
		}
		want := byte('H')
		if region == api.RegionMacau {
			want = 'M'
		}
		switch n[0] {
		case want:
			return n, nil
		case 'H', 'M':
			return "", errcode.New(errcode.PermitNumberRegion)
		}
		return "", errcode.New(errcode.PermitNumberInvalid)
	case api.RegionTaiwan:
		if len(n) != 8 || !allDigits(n) {
			return "", errcode.New(errcode.PermitNumberInvalid)
		}
		return n, nil
	}
	return "", errcode.New(errcode.RegionInvalid)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
