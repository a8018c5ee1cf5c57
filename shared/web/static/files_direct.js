// Wissensnetz: uploads straight to the file store (AWS), several files at once, each with
// a progress bar. Without this script the form sends one file and the store leads the
// browser on to the confirmation page; with it, each file goes by itself with the
// script's signed fields (the store answers 204), and then the confirmation page opens
// with all of them.
//
// German texts come from the form (data-msg-* attributes filled from the catalogue).
'use strict';

(function () {
  const form = document.querySelector('form[data-direct-upload]');
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const input = form.querySelector('input[type=file]');
  const status = form.querySelector('.upload-progress');
  const button = form.querySelector('button[type=submit]');
  const fields = JSON.parse(form.dataset.scriptFields);
  const prefix = form.dataset.prefix;
  const max = Number(form.dataset.max);
  const msg = form.dataset;
  input.multiple = true;

  // keyFor returns the key of the i-th file: the prefix, a number (two files may share a
  // name) and the file's name without separators.
  function keyFor(file, i) {
    let name = file.name.replace(/[\/\\\u0000]/g, '_');
    if (name === '' || name === '.' || name === '..') name = 'Datei';
    return prefix + (i + 1) + '/' + name;
  }

  // send posts one file with the signed fields, the file last as the store requires, and
  // shows its progress.
  function send(file, key, progress) {
    return new Promise((resolve, reject) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.append(k, v);
      data.set('key', key);
      data.append('file', file);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) {
          progress.max = e.total;
          progress.value = e.loaded;
        }
      });
      xhr.addEventListener('load', () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error('status ' + xhr.status))));
      xhr.addEventListener('error', () => reject(new Error('network')));
      xhr.send(data);
    });
  }

  function confirmURL(keys) {
    const q = new URLSearchParams();
    for (const k of keys) q.append('key', k);
    return form.dataset.confirm + '?' + q.toString();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const files = Array.from(input.files);
    if (files.length === 0) return;
    button.disabled = true;
    status.replaceChildren();
    const list = document.createElement('ul');
    status.append(list);
    const keys = new Array(files.length).fill(null);
    let failed = 0;
    await Promise.all(files.map(async (file, i) => {
      const item = document.createElement('li');
      const label = document.createElement('label');
      const progress = document.createElement('progress');
      const note = document.createElement('span');
      progress.id = 'upload-' + i;
      progress.max = Math.max(file.size, 1);
      progress.value = 0;
      label.htmlFor = progress.id;
      label.textContent = file.name + ' ';
      note.textContent = ' ' + msg.msgSending;
      item.append(label, progress, note);
      list.append(item);
      if (file.size === 0 || file.size > max) {
        note.textContent = ' ' + (file.size === 0 ? msg.msgEmpty : msg.msgTooLarge);
        failed++;
        return;
      }
      const key = keyFor(file, i);
      try {
        await send(file, key, progress);
        keys[i] = key;
        note.textContent = ' ' + msg.msgDone;
      } catch (err) {
        note.textContent = ' ' + msg.msgFailed;
        failed++;
      }
    }));
    const sent = keys.filter((k) => k !== null);
    if (failed === 0) {
      window.location.assign(confirmURL(sent));
      return;
    }
    const summary = document.createElement('p');
    summary.append(msg.msgSomeFailed);
    if (sent.length > 0) {
      const link = document.createElement('a');
      link.href = confirmURL(sent);
      link.textContent = msg.msgContinue;
      summary.append(' ', link);
    }
    status.append(summary);
    button.disabled = false;
  });
})();
