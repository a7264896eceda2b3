package errcode

// Generic request errors.
const (
	BadRequest      Code = "bad_request"
	BodyTooLarge    Code = "body_too_large"
	NotFound        Code = "not_found"
	Unauthorized    Code = "unauthorized"
	Forbidden       Code = "forbidden"
	CSRFFailed      Code = "csrf_failed"
	TooManyRequests Code = "too_many_requests"
	Internal        Code = "internal"
	Unavailable     Code = "unavailable"
)

// Identity document rules.
const (
	DocTypeInvalid       Code = "doc_type_invalid"
	DocNumberRequired    Code = "doc_number_required"
	DocNumberFormat      Code = "doc_number_format"
	DocNumberChecksum    Code = "doc_number_checksum"
	DocNumberBirthDate   Code = "doc_number_birth_date"
	DocNumberRegion      Code = "doc_number_region"
	DocNumberIsPermit    Code = "doc_number_is_permit"
	RegionInvalid        Code = "region_invalid"
	RegionMismatch       Code = "region_mismatch"
	PermitNumberRequired Code = "permit_number_required"
	PermitNumberInvalid  Code = "permit_number_invalid"
	PermitNumberRegion   Code = "permit_number_region"
	LocalIDRequired      Code = "local_id_required"
	LocalIDInvalid       Code = "local_id_invalid"
	LocalIDChecksum      Code = "local_id_checksum"
	NameRequired         Code = "name_required"
	NameInvalid          Code = "name_invalid"
	NameSeparator        Code = "name_separator"
	NameTooLong          Code = "name_too_long"
	ValidityTermInvalid  Code = "validity_term_invalid"
	ValidityTermAge      Code = "validity_term_age"
	ValidityTermPermit   Code = "validity_term_permit"
	ValidFromInvalid     Code = "valid_from_invalid"
	ValidFromFuture      Code = "valid_from_future"
	ValidFromBeforeBirth Code = "valid_from_before_birth"
	ValidUntilInvalid    Code = "valid_until_invalid"
	ValidUntilMismatch   Code = "valid_until_mismatch"
	DocumentExpired      Code = "document_expired"
	EthnicityInvalid     Code = "ethnicity_invalid"
	PasswordRequired     Code = "password_required"
	PasswordTooShort     Code = "password_too_short"
	PasswordTooLong      Code = "password_too_long"
	PasswordCommon       Code = "password_common"
	PasswordPersonal     Code = "password_personal"
	PasswordMismatch     Code = "password_mismatch"
	PhoneInvalid         Code = "phone_invalid"
	EmailInvalid         Code = "email_invalid"
	AgreementRequired    Code = "agreement_required"
	CodeSourceInvalid    Code = "code_source_invalid"
	CodeFormat           Code = "code_format"
)

// Flow errors.
const (
	CaptchaRequired     Code = "captcha_required"
	CaptchaFailed       Code = "captcha_failed"
	CaptchaExpired      Code = "captcha_expired"
	CodeRequired        Code = "code_required"
	CodeInvalid         Code = "code_invalid"
	CodeExpired         Code = "code_expired"
	CodeTooManyAttempts Code = "code_too_many_attempts"
	CodeRateLimited     Code = "code_rate_limited"
	DocNumberTaken      Code = "doc_number_taken"
	SignInFailed        Code = "sign_in_failed"
	AccountLocked       Code = "account_locked"
	SessionExpired      Code = "session_expired"
)

// WeChat service account errors.
const (
	WeChatSceneExpired Code = "wechat_scene_expired"
	WeChatNotBound     Code = "wechat_not_bound"
	WeChatAccountBound Code = "wechat_account_bound"
	WeChatOpenIDTaken  Code = "wechat_openid_taken"
	WeChatUnavailable  Code = "wechat_unavailable"
)

// Real-name verification, manual review and the reviewer console.
const (
	RealNameRequired      Code = "real_name_required"
	RealNameFailed        Code = "real_name_failed"
	RealNameQuota         Code = "real_name_quota"
	RealNameUnavailable   Code = "real_name_unavailable"
	RealNameReviewPending Code = "real_name_review_pending"
	RealNameDone          Code = "real_name_done"
	ReviewPending         Code = "review_pending"
	ReviewQuota           Code = "review_quota"
	ReviewNotNeeded       Code = "review_not_needed"
	ReviewReasonRequired  Code = "review_reason_required"
	ReviewReasonTooLong   Code = "review_reason_too_long"
	PhotoRequired         Code = "photo_required"
	PhotoTooLarge         Code = "photo_too_large"
	PhotoNotJPEG          Code = "photo_not_jpeg"
	PhotoDimensions       Code = "photo_dimensions"
	PhotoCorrupt          Code = "photo_corrupt"
	PhotoRotated          Code = "photo_rotated"
	ReviewClaimed         Code = "review_claimed"
	ReviewNotClaimed      Code = "review_not_claimed"
	ReviewDecided         Code = "review_decided"
	RejectReasonRequired  Code = "reject_reason_required"
	StaffSignInFailed     Code = "staff_sign_in_failed"
	StaffOnly             Code = "staff_only"
	WorkdaysInvalid       Code = "workdays_invalid"
)

var messages = map[Code]string{
	BadRequest:      "请求格式不正确，请刷新页面后重试",
	BodyTooLarge:    "提交的内容过大",
	NotFound:        "页面或资源不存在",
	Unauthorized:    "请先登录",
	Forbidden:       "您没有权限进行此操作",
	CSRFFailed:      "页面已过期，请刷新后重试",
	TooManyRequests: "操作过于频繁，请稍后再试",
	Internal:        "系统繁忙，请稍后再试",
	Unavailable:     "服务暂时不可用，请稍后再试",

	DocTypeInvalid:       "请选择身份证件类型",
	DocNumberRequired:    "请填写有效身份证件号码",
	DocNumberFormat:      "身份证件号码应为18位，由数字和字母X组成",
	DocNumberChecksum:    "身份证件号码校验位不正确，请核对",
	DocNumberBirthDate:   "身份证件号码中的出生日期不正确",
	DocNumberRegion:      "身份证件号码中的地区代码不正确",
	DocNumberIsPermit:    "该号码是港澳台居民居住证号码，请将身份证件类型选为“港澳台居民居住证”",
	RegionInvalid:        "请选择地区",
	RegionMismatch:       "所选地区与身份证件号码不符",
	PermitNumberRequired: "请填写通行证号码",
	PermitNumberInvalid:  "通行证号码格式不正确",
	PermitNumberRegion:   "通行证号码与所选地区不符：香港居民的通行证号码以H开头，澳门居民的以M开头",
	LocalIDRequired:      "请填写港澳台当地身份证件号码",
	LocalIDInvalid:       "港澳台当地身份证件号码格式不正确",
	LocalIDChecksum:      "港澳台当地身份证件号码校验位不正确，请核对",
	NameRequired:         "请填写与身份证件一致的姓名",
	NameInvalid:          "姓名只能包含汉字和间隔符“·”，不能包含数字、空格或其他符号",
	NameSeparator:        "间隔符“·”不能位于姓名首尾，也不能连续出现",
	NameTooLong:          "姓名不能超过30个字",
	ValidityTermInvalid:  "请选择身份证件有效时间段",
	ValidityTermAge:      "身份证件有效时间段与持证人签发时的年龄不符",
	ValidityTermPermit:   "港澳台居民居住证的有效时间段为5年",
	ValidFromInvalid:     "请选择身份证件有效开始日期",
	ValidFromFuture:      "身份证件有效开始日期不能晚于今天",
	ValidFromBeforeBirth: "身份证件有效开始日期不能早于出生日期",
	ValidUntilInvalid:    "请选择身份证件有效截止日期",
	ValidUntilMismatch:   "身份证件有效截止日期与有效时间段不符",
	DocumentExpired:      "身份证件已过有效期，不能注册",
	EthnicityInvalid:     "请选择民族",
	PasswordRequired:     "请输入密码",
	PasswordTooShort:     "密码应为8位以上",
	PasswordTooLong:      "密码不能超过64位",
	PasswordCommon:       "该密码过于常见，容易被猜到，请换一个",
	PasswordPersonal:     "密码不能使用身份证件号码、手机号码或出生日期",
	PasswordMismatch:     "两次输入的密码不一致",
	PhoneInvalid:         "请输入正确的手机号码",
	EmailInvalid:         "请输入正确的邮箱地址",
	AgreementRequired:    "请阅读并同意《中国教师资格网注册协议》",
	CodeSourceInvalid:    "请选择验证码来源",
	CodeFormat:           "验证码应为6位数字",

	CaptchaRequired:     "请向右拖动滑块填充拼图",
	CaptchaFailed:       "拼图未对齐，请重试",
	CaptchaExpired:      "图形验证码已失效，请重新拖动滑块",
	CodeRequired:        "请输入验证码",
	CodeInvalid:         "验证码不正确",
	CodeExpired:         "验证码已失效，请重新获取",
	CodeTooManyAttempts: "验证码错误次数过多，请重新获取",
	CodeRateLimited:     "获取验证码过于频繁，请稍后再试",
	DocNumberTaken:      "该身份证件号码已注册，请直接登录；如忘记密码，请使用“忘记密码”",
	SignInFailed:        "证件号码或密码错误",
	AccountLocked:       "登录失败次数过多，请稍后再试",
	SessionExpired:      "登录已过期，请重新登录",

	WeChatSceneExpired: "二维码已过期，请刷新后重新扫码",
	WeChatNotBound:     "您的账号尚未绑定微信",
	WeChatAccountBound: "绑定失败：该账号已绑定其他微信。如需更换，请先在个人信息中心解除绑定。",
	WeChatOpenIDTaken:  "绑定失败：您的微信已绑定其他中国教师资格网账号。如需更换，请先登录原账号解除绑定。",
	WeChatUnavailable:  "微信服务暂时不可用，请稍后再试或选择短信验证码",

	RealNameRequired:      "您还未进行实名核验，需进入“个人信息中心”完成实名核验，再办理业务！",
	RealNameFailed:        "实名核验失败，请仔细核对您所填写的内容",
	RealNameQuota:         "每日您最多可进行三次实名核验，今日次数已用完，请明日再试或申请人工审核",
	RealNameUnavailable:   "实名核验服务暂时不可用，本次不计入核验次数，请稍后再试",
	RealNameReviewPending: "待人工审核期间，您不能进行实名核验。",
	RealNameDone:          "您已通过实名核验",
	ReviewPending:         "您已提交人工审核，请耐心等待",
	ReviewQuota:           "1月1日到8月31日，9月1日到12月31日，每个周期您可以进行三次人工审核，本周期次数已用完",
	ReviewNotNeeded:       "您已通过实名核验，无需申请人工审核",
	ReviewReasonRequired:  "请填写申请的缘由",
	ReviewReasonTooLong:   "申请的缘由不能超过200个字",
	PhotoRequired:         "请上传照片",
	PhotoTooLarge:         "图片大小应小于190KB",
	PhotoNotJPEG:          "图片格式应为JPG",
	PhotoDimensions:       "图片尺寸不符合要求，宽和高应在300至4096像素之间",
	PhotoCorrupt:          "图片已损坏或无法识别，请重新拍摄",
	PhotoRotated:          "照片存在旋转或镜像反转，请确认您上传的图片符合要求，避免因照片不清晰、存在旋转或镜像反转，无法识别，导致审核不通过",
	ReviewClaimed:         "该申请已由其他审核员处理中",
	ReviewNotClaimed:      "请先领取该申请再作出审核结论",
	ReviewDecided:         "该申请已有审核结论",
	RejectReasonRequired:  "请填写不通过的原因",
	StaffSignInFailed:     "用户名、密码或动态口令错误",
	StaffOnly:             "仅审核人员可以访问",
	WorkdaysInvalid:       "节假日安排文件格式不正确",
}
