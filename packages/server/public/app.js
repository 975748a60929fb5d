// The chat app at /: once someone is signed in, the welcome shrinks to one line so the inbox
// gets the room (the explanation stays one click away). An external module: the server's
// Content-Security-Policy allows no inline script.
const widget = document.querySelector('chat-widget');

async function follow() {
  if (!widget) return;
  await customElements.whenDefined('chat-widget');
  await widget.updateComplete;
  // The widget's store covers every way in: the form, and a session resumed on load.
  const store = widget.store;
  if (!store) return;
  const update = () =>
    document.body.classList.toggle('signed-in', store.state.session === 'signed-in');
  store.subscribe(update);
  update();
}

void follow();
