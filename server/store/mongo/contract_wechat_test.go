package mongo_test

import (
	"jszg/server/store/mongo/mongotest"
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
	accesstokentest.Run(t, func(t *testing.T) accesstoken.Store { return mongotest.Open(t).WeChatTokens() })
}

func TestWeChatBindingContract(t *testing.T) {
	bindingtest.Run(t, func(t *testing.T) binding.Store { return mongotest.Open(t).WeChatBindings() })
}

func TestWeChatSceneContract(t *testing.T) {
	scenetest.Run(t, func(t *testing.T) scene.Store { return mongotest.Open(t).WeChatScenes() })
}

func TestWeChatPushContract(t *testing.T) {
	callbacktest.Run(t, func(t *testing.T) callback.Store { return mongotest.Open(t).WeChatPushes() })
}

func TestWeChatNoticeContract(t *testing.T) {
	noticetest.Run(t, func(t *testing.T) notice.Store { return mongotest.Open(t).WeChatNotices() })
}

func TestWeChatOAuthStateContract(t *testing.T) {
	wechattest.RunOAuthStates(t, func(t *testing.T) wechat.OAuthStates { return mongotest.Open(t).WeChatOAuthStates() })
}
