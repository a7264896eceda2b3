// Package ethnicity holds the list of ethnic groups (民族) an applicant chooses from in the
// personal centre: the 56 ethnic groups of China in the order and with the names of
// GB/T 3304-1991 (汉族 first), and 其他, which only residence permit holders may choose since a
// mainland ID card always names one of the 56. It is shared by the server and the Wasm client.
package ethnicity

import "jszg/shared/api"

// Other is the choice offered to residence permit holders besides the 56 groups.
const Other = "其他"

// groups are the 56 ethnic groups in GB/T 3304-1991 order; a group's code is its position plus
// one (汉族 01 … 基诺族 56).
var groups = [56]string{
	"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
	"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
	"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
	"达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
	"塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
	"独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
}

// Options returns the choices for a document type, in display order: the 56 groups, followed by
// Other for a residence permit.
func Options(docType string) []string {
	out := make([]string, 0, len(groups)+1)
	out = append(out, groups[:]...)
	if docType == api.DocResidencePermit {
		out = append(out, Other)
	}
	return out
}

// Valid reports whether name is a choice for the document type: one of the 56 groups, or
// Other for a residence permit.
func Valid(name, docType string) bool {
	if name == Other {
		return docType == api.DocResidencePermit
	}
	for _, g := range groups {
		if g == name {
			return true
		}
	}
	return false
}
