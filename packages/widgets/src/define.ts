/**
 * `import '@parley/widgets/define'` registers every component under its default tag name
 * (`<chat-widget>`, `<chat-provider>`, `<chat-thread>`, ...). Safe to import twice.
 */
// Providers first, so the parts inside them find their store as they upgrade.
import './components/chat-provider/chat-provider.js';
import './components/chat-widget/chat-widget.js';
import './components/chat-composer/chat-composer.js';
import './components/chat-connection-banner/chat-connection-banner.js';
import './components/chat-conversation-list/chat-conversation-list.js';
import './components/chat-group-members/chat-group-members.js';
import './components/chat-identity-banner/chat-identity-banner.js';
import './components/chat-login/chat-login.js';
import './components/chat-file/chat-file.js';
import './components/chat-message/chat-message.js';
import './components/chat-new-conversation/chat-new-conversation.js';
import './components/chat-safety-number/chat-safety-number.js';
import './components/chat-thread/chat-thread.js';
import './components/chat-typing-indicator/chat-typing-indicator.js';
import './components/chat-unread-badge/chat-unread-badge.js';

export * from './index.js';
