/**
 * The English strings: the reference table every translation falls back to. `{name}`-style
 * placeholders are filled by {@link format}.
 */
export const en = {
  // Sign-in
  signInTitle: 'Sign in',
  registerTitle: 'Create an account',
  username: 'Username',
  password: 'Password',
  displayName: 'Display name (optional)',
  signIn: 'Sign in',
  register: 'Create account',
  switchToRegister: 'New here? Create an account',
  switchToSignIn: 'Have an account? Sign in',
  stretching: 'Securing your password…',
  resuming: 'Signing you back in…',
  errorUnauthorized: 'Wrong username or password.',
  errorUsernameTaken: 'That username is taken.',
  errorRateLimited: 'Too many attempts. Try again later.',
  errorNetwork: 'Cannot reach the chat server.',
  errorInvalid: 'Please check the {field}.',
  errorGeneric: 'Something went wrong ({code}).',
  // Conversation list
  conversations: 'Conversations',
  noConversations: 'No conversations yet.',
  newConversation: 'New conversation',
  unreadCount: '{count} unread',
  you: 'You',
  noMessagesYet: 'No messages yet',
  loading: 'Loading…',
  unknownUser: 'Unknown user',
  presence_online: 'online',
  presence_away: 'away',
  presence_offline: 'offline',
  // Thread
  history: 'Messages with {title}',
  loadingOlder: 'Loading older messages…',
  beginning: 'This is the beginning of the conversation.',
  newMessages: 'New messages',
  today: 'Today',
  yesterday: 'Yesterday',
  emptyThread: 'No messages yet. Say hello!',
  chooseConversation: 'Choose a conversation, or start a new one.',
  typingOne: '{name} is typing…',
  typingTwo: '{a} and {b} are typing…',
  typingMany: 'Several people are typing…',
  // A message
  statusPending: 'Sending',
  statusSent: 'Sent',
  statusDelivered: 'Delivered',
  statusRead: 'Read',
  statusFailed: 'Not sent',
  retry: 'Retry',
  undecryptable: 'This message cannot be decrypted: {reason}',
  reason_no_envelope_for_user: 'it was sent before you joined.',
  reason_epoch_sig_invalid: 'its key was not signed correctly.',
  reason_msg_sig_invalid: 'its signature does not match the sender.',
  reason_sender_not_member: 'the sender is not a member.',
  reason_identity_untrusted: "the sender's security key changed and was not accepted.",
  reason_aead_fail: 'it was damaged or tampered with.',
  reason_invalid_input: 'it is malformed.',
  reason_unsupported_suite: 'it uses an encryption version this app does not support.',
  reason_unknown: 'the reason is unknown.',
  // Composer
  messageLabel: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  queuedOffline: 'Offline: your messages will be sent when the connection is back.',
  sendFailed: 'The message was not sent ({code}).',
  // New conversation dialog
  directChat: 'Direct chat',
  groupChat: 'Group',
  conversationKind: 'Kind of conversation',
  searchPeople: 'Search people by username',
  groupTitle: 'Group name',
  startChat: 'Start chat',
  cancel: 'Cancel',
  noPeopleFound: 'No one found.',
  addPerson: 'Add {name}',
  removePerson: 'Remove {name}',
  members: 'Members',
  admin: 'admin',
  // Banners
  offline: 'You are offline. Messages will be sent when the connection is back.',
  reconnecting: 'Reconnecting…',
  connecting: 'Connecting…',
  identityChanged: "{name}'s security key changed. Nothing is sent to them until you accept it.",
  acceptKey: 'Accept new key',
  compareSafetyNumber: 'Compare safety number',
  // Safety number
  safetyNumberTitle: 'Safety number with {name}',
  safetyNumberExplain:
    'Compare these numbers with {name} in person or over a trusted channel. If they match, nobody is between you.',
  markVerified: 'Mark as verified',
  verified: 'Verified',
  close: 'Close',
  // Widget
  chatTitle: 'Chat',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  signOut: 'Sign out',
  back: 'Back to conversations',
  unreadTotal: '{count} unread messages',
  signedInAs: 'Signed in as {name}',
} as const;

/** Keys of the string tables. */
export type StringKey = keyof typeof en;

/** A complete string table: every key of {@link en}. */
export type ChatStrings = { readonly [K in StringKey]: string };
