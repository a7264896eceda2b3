package sqlite_test

import (
	"testing"

	"jszg/wechat"
	"jszg/wechat/accesstoken"
	"jszg/wechat/accesstoken/accesstokentest"
	"jszg/wechat/binding"
	"jszg/wechat/binding/bindingtest"
	"jszg/wechat/callback"
	"jszg/wechat/callback/callbacktest"
	"jszg/wechat/notice"
	"jszg/wechat/notice/noticetest"
	"jszg/wechat/scene"
	"jszg/wechat/scene/scenetest"
	"jszg/wechat/wechattest"
)

func TestWeChatTokenContract(t *testing.T) {
	accesstokentest.Run(t, func(t *testing.T) accesstoken.Store { return open(t).WeChatTokens() })
}

func TestWeChatBindingContract(t *testing.T) {
	bindingtest.Run(t, func(t *testing.T) binding.Store { return open(t).WeChatBindings() })
}

func TestWeChatSceneContract(t *testing.T) {
	scenetest.Run(t, func(t *testing.T) scene.Store { return open(t).WeChatScenes() })
}

func TestWeChatPushContract(t *testing.T) {
	callbacktest.Run(t, func(t *testing.T) callback.Store { return open(t).WeChatPushes() })
}

func TestWeChatNoticeContract(t *testing.T) {
	noticetest.Run(t, func(t *testing.T) notice.Store { return open(t).WeChatNotices() })
}

func TestWeChatOAuthStateContract(t *testing.T) {
	wechattest.RunOAuthStates(t, func(t *testing.T) wechat.OAuthStates { return open(t).WeChatOAuthStates() })
}
