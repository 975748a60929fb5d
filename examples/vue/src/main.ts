// Registers <chat-widget>, <chat-unread-badge> and the other default tags.
import '@parley/widgets/define';
import { createApp } from 'vue';
import App from './App.vue';
import './styles.css';

createApp(App).mount('#app');
