// Wissensnetz: the files of the entry form, uploaded with a progress bar per file.
//
// Without this script the form is sent as it is (multipart/form-data) and works the same.
// With it, a form with files chosen is sent by XMLHttpRequest, which reports how far the
// upload is. The server answers as it answers the plain form: a redirect to the entry
// when it is saved, which the page follows; the form again with its messages when not,
// which replaces the page's main content.
//
// German texts come from the form's data-msg-* attributes.
'use strict';

(function () {
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    e.append(...children);
    return e;
  }

  // progressBox shows a labelled progress bar per file and a status line that screen
  // readers announce.
  function progressBox(form, files) {
    const msg = form.dataset;
    const bars = files.map((f, i) => el('progress', { id: `upload-${i}`, max: String(Math.max(f.size, 1)), value: '0' }));
    const status = el('p', { role: 'status', class: 'upload-status' });
    const box = el('div', { class: 'upload-progress' }, el('p', { class: 'upload-heading' }, msg.msgProgress),
      ...files.map((f, i) => el('div', { class: 'upload-file' }, el('label', { for: bars[i].id }, fill(msg.msgFile, { name: f.name })), bars[i])),
      status);
    return { box, bars, status };
  }

  // show puts the page the server answered in place of this one's main content, for a
  // form shown again with its messages.
  function show(html) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const main = doc.getElementById('inhalt');
    const here = document.getElementById('inhalt');
    if (!main || !here) return false;
    document.title = doc.title;
    here.replaceWith(document.adoptNode(main));
    document.dispatchEvent(new CustomEvent('wissensnetz:content'));
    (document.getElementById('fehler') || main).focus();
    return true;
  }

  function send(form, submitter) {
    const files = [];
    for (const input of form.querySelectorAll('input[type="file"]')) files.push(...input.files);
    let data;
    try {
      data = submitter ? new FormData(form, submitter) : new FormData(form);
    } catch (err) {
      data = new FormData(form); // a browser without the submitter argument
    }
    if (submitter && submitter.name && !data.has(submitter.name)) data.append(submitter.name, submitter.value);

    const msg = form.dataset;
    const ui = progressBox(form, files);
    const actions = form.querySelector('.form-actions');
    (actions || form.lastElementChild).before(ui.box);
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    const failed = () => {
      ui.status.textContent = msg.msgFailed;
      for (const b of buttons) b.disabled = false;
    };

    const total = files.reduce((n, f) => n + f.size, 0);
    let announced = -1;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable || !e.total) return;
      // The body holds the fields too, but the files are most of it: what was sent is
      // spread over the files in their order.
      let sent = (e.loaded * total) / e.total;
      files.forEach((f, i) => {
        ui.bars[i].value = Math.max(0, Math.min(f.size, sent));
        sent -= f.size;
      });
      const step = Math.min(75, Math.floor((100 * e.loaded) / e.total / 25) * 25); // announced in quarters
      if (step !== announced) {
        announced = step;
        ui.status.textContent = fill(msg.msgPercent, { percent: step });
      }
    });
    xhr.upload.addEventListener('load', () => {
      for (const bar of ui.bars) bar.value = bar.max;
      ui.status.textContent = msg.msgChecking;
    });
    xhr.addEventListener('load', () => {
      const at = new URL(xhr.responseURL || form.action, window.location.href);
      const action = new URL(form.action, window.location.href);
      if (xhr.status >= 200 && xhr.status < 300 && at.pathname !== action.pathname) {
        window.location.assign(at.href); // saved: the server sent us to the entry
      } else if (!show(xhr.responseText)) {
        failed();
      }
    });
    xhr.addEventListener('error', failed);
    xhr.addEventListener('abort', failed);
    xhr.send(data);
  }

  function enhance() {
    const form = document.querySelector('form[data-upload]');
    if (!form || form.dataset.uploadReady || !window.FormData || !window.DOMParser) return;
    form.dataset.uploadReady = '1';
    form.addEventListener('submit', (e) => {
      const chosen = [...form.querySelectorAll('input[type="file"]')].some((i) => i.files && i.files.length);
      if (!chosen) return; // nothing to show progress for: the form goes as it is
      e.preventDefault();
      send(form, e.submitter);
    });
  }

  document.addEventListener('wissensnetz:content', enhance);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhance);
  else enhance();
})();
