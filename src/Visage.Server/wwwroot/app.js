// The Visage page: plain JavaScript over the service's own API (same origin, no framework, nothing fetched
// from elsewhere). The key is sent once to /api/session and kept by the browser in an HttpOnly cookie.
import { strangersView } from './strangers.js';

const $ = (selector, root = document) => root.querySelector(selector);
const state = { role: null, view: null, live: null };

// ---- talking to the service -------------------------------------------------------------------------------

class ProblemError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(path, { method = 'GET', json, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = form;
  }
  const response = await fetch(path, init);
  if (response.status === 401 && path !== '/api/session') {
    showSignIn('Your key was not accepted (unknown or revoked): sign in again.');
    throw new ProblemError(401, await response.json().catch(() => null));
  }
  if (!response.ok) throw new ProblemError(response.status, await response.json().catch(() => null));
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.blob();
}

const personPath = name => `/api/people/${encodeURIComponent(name)}`;

function toast(message) {
  const box = $('#toast');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function failed(error) {
  toast(error instanceof ProblemError ? error.message : `Something went wrong: ${error.message}`);
}

// ---- signing in and switching views -----------------------------------------------------------------------

function showSignIn(message = '') {
  stopLive();
  leaveCameras();
  leaveEvents();
  $('#signin').hidden = false;
  $('#tabs').hidden = true;
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  document.querySelectorAll('.view').forEach(v => { v.hidden = true; });
  $('#signin-error').textContent = message;
}

async function start() {
  try {
    const session = await fetch('/api/session', { credentials: 'same-origin' });
    if (!session.ok) return showSignIn();
    signedIn(await session.json());
  } catch (error) {
    showSignIn(error.message);
  }
}

function signedIn(session) {
  state.role = session.role;
  $('#signin').hidden = true;
  $('#tabs').hidden = false;
  $('#sign-out').hidden = false;
  $('#who').textContent = `${session.name} (${session.role})`;
  document.querySelectorAll('.admin-only').forEach(e => { e.hidden = session.role !== 'admin'; });
  const wanted = location.hash.slice(1);
  const allowed = ['people', 'strangers', 'live', 'try', 'cameras', 'events', 'settings'].filter(v => session.role === 'admin' || v === 'live' || v === 'try');
  show(allowed.includes(wanted) ? wanted : allowed[0]);
}

$('#signin-form').addEventListener('submit', async event => {
  event.preventDefault();
  const key = $('#key').value.trim();
  try {
    const session = await api('/api/session', { method: 'POST', headers: { 'X-Api-Key': key } });
    $('#key').value = '';
    signedIn(session);
  } catch (error) {
    $('#signin-error').textContent = error.message;
  }
});

$('#sign-out').addEventListener('click', async () => {
  try { await api('/api/session', { method: 'DELETE' }); } catch { /* signed out anyway */ }
  showSignIn();
});

function show(view) {
  if (state.view === 'live' && view !== 'live') stopLive();
  if (state.view === 'cameras' && view !== 'cameras') leaveCameras();
  if (state.view === 'events' && view !== 'events') leaveEvents();
  state.view = view;
  history.replaceState(null, '', `#${view}`);
  document.querySelectorAll('.view').forEach(v => { v.hidden = v.id !== `view-${view}`; });
  document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.view === view));
  ({ people: loadPeople, strangers: loadStrangers, settings: loadSettings, cameras: enterCameras, events: enterEvents,
    live: async () => {}, try: async () => {} })[view]().catch(failed);
}

$('#tabs').addEventListener('click', event => {
  const view = event.target.closest('button')?.dataset.view;
  if (view) show(view);
});

// ---- dialogs ------------------------------------------------------------------------------------------------

function confirmErase(text, button) {
  const dialog = $('#confirm-dialog');
  $('#confirm-text').textContent = text;
  $('#confirm-yes').textContent = button;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true }));
}

function ask(label, { value = '', choices = null } = {}) {
  const dialog = $('#ask-dialog');
  $('#ask-label').textContent = label;
  const input = $('#ask-input');
  const select = $('#ask-select');
  input.hidden = !!choices;
  select.hidden = !choices;
  input.value = value;
  if (choices) select.replaceChildren(...choices.map(c => new Option(c, c)));
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close',
    () => resolve(dialog.returnValue === 'yes' ? (choices ? select.value : input.value.trim()) : null), { once: true }));
}

const loadStrangers = strangersView({ api, toast, failed, ask, confirmErase });

// ---- people -------------------------------------------------------------------------------------------------

async function loadPeople() {
  const { people } = await api('/api/people');
  const grid = $('#people-grid');
  grid.replaceChildren(...people.map(personCard));
  $('#people-empty').hidden = people.length > 0;
}

function personCard(person) {
  const card = document.createElement('article');
  card.className = 'person';
  card.dataset.name = person.name;
  const thumb = document.createElement('img');
  thumb.className = 'thumb';
  thumb.alt = `${person.name}`;
  if (person.thumbnailFaceId != null) thumb.src = `/api/faces/${person.thumbnailFaceId}/crop`;
  const name = document.createElement('h3');
  name.textContent = person.name;
  const count = document.createElement('p');
  count.className = 'count';
  count.textContent = `${person.faces} photo${person.faces === 1 ? '' : 's'}`;
  const faces = document.createElement('div');
  faces.className = 'faces';
  faces.hidden = true;
  const actions = document.createElement('div');
  actions.className = 'actions';
  for (const [action, label] of [['photos', 'Photos'], ['camera', 'Camera'], ['rename', 'Rename'], ['merge', 'Merge…'], ['delete', 'Delete']]) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = action;
    button.textContent = label;
    if (action === 'delete') button.className = 'danger';
    actions.append(button);
  }
  card.append(thumb, name, count, actions, faces);
  acceptDrops(card, files => enroll(person.name, files));
  actions.addEventListener('click', event => {
    const action = event.target.closest('button')?.dataset.action;
    if (action) personAction(action, person, faces).catch(failed);
  });
  return card;
}

async function personAction(action, person, facesBox) {
  if (action === 'delete') {
    const erase = await confirmErase(
      `Delete ${person.name}? This erases every photo and encoding of ${person.name} from the gallery, for good.`,
      `Erase ${person.name}`);
    if (!erase) return;
    const change = await api(personPath(person.name), { method: 'DELETE' });
    toast(`Erased ${person.name}: ${change.facesErased} face${change.facesErased === 1 ? '' : 's'} removed.`);
  } else if (action === 'rename') {
    const newName = await ask(`New name for ${person.name}`, { value: person.name });
    if (!newName || newName === person.name) return;
    await api(personPath(person.name), { method: 'PATCH', json: { name: newName } });
  } else if (action === 'merge') {
    const { people } = await api('/api/people');
    const others = people.map(p => p.name).filter(n => n !== person.name);
    if (others.length === 0) return toast('There is nobody to merge with.');
    const into = await ask(`Merge ${person.name} into…`, { choices: others });
    if (!into) return;
    await api(`${personPath(person.name)}/merge`, { method: 'POST', json: { into } });
  } else if (action === 'camera') {
    return cameraEnroll(person.name);
  } else if (action === 'photos') {
    facesBox.hidden = !facesBox.hidden;
    if (facesBox.hidden) return;
    const { faces } = await api(`${personPath(person.name)}/faces`);
    facesBox.replaceChildren(...faces.map(face => {
      const figure = document.createElement('figure');
      const img = document.createElement('img');
      img.src = `/api/faces/${face.faceId}/crop`;
      img.alt = face.image;
      img.title = `${face.image}, added ${new Date(face.addedAt).toLocaleString()}`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.title = 'Erase this face';
      remove.addEventListener('click', async () => {
        if (!await confirmErase(`Erase this face of ${person.name}? Its encoding and crop are deleted.`, 'Erase the face')) return;
        await api(`/api/faces/${face.faceId}`, { method: 'DELETE' }).catch(failed);
        await loadPeople();
      });
      figure.append(img, remove);
      return figure;
    }));
    return;
  }
  await loadPeople();
}

function acceptDrops(element, onFiles) {
  element.addEventListener('dragover', event => { event.preventDefault(); element.classList.add('over'); });
  element.addEventListener('dragleave', () => element.classList.remove('over'));
  element.addEventListener('drop', event => {
    event.preventDefault();
    element.classList.remove('over');
    const files = [...(event.dataTransfer?.files || [])].filter(f => f.type.startsWith('image/') || /\.(jpe?g|png|bmp|webp)$/i.test(f.name));
    if (files.length) onFiles(files);
  });
}

async function enroll(name, files) {
  const form = new FormData();
  for (const file of files) form.append('photos', file, file.name);
  try {
    const result = await api(`${personPath(name)}/faces`, { method: 'POST', form });
    const skipped = result.photos.filter(p => p.status !== 'enrolled');
    const added = result.photos.length - skipped.length;
    toast(`${result.person.name}: ${added} photo${added === 1 ? '' : 's'} enrolled` +
      (skipped.length ? `; ${skipped.map(p => `${p.image}: ${p.message || p.status}`).join('; ')}` : '.'));
  } catch (error) {
    failed(error);
  }
  await loadPeople().catch(failed);
}

acceptDrops($('#new-drop'), files => {
  const name = $('#new-name').value.trim();
  if (!name) return toast('Type the new person\'s name first, then drop their photos.');
  enroll(name, files).then(() => { $('#new-name').value = ''; });
});

$('#new-camera').addEventListener('click', () => cameraEnroll($('#new-name').value.trim()).catch(failed));

async function cameraEnroll(name) {
  const dialog = $('#camera-dialog');
  const video = $('#camera-video');
  $('#camera-name').value = name || '';
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  video.srcObject = stream;
  dialog.returnValue = '';
  dialog.showModal();
  dialog.addEventListener('close', async () => {
    try {
      const who = $('#camera-name').value.trim();
      if (dialog.returnValue === 'yes' && who) {
        const blob = await frameBlob(video);
        await enroll(who, [new File([blob], 'camera.jpg', { type: 'image/jpeg' })]);
      }
    } finally {
      stream.getTracks().forEach(t => t.stop());
      video.srcObject = null;
    }
  }, { once: true });
}

// ---- frames, boxes ----------------------------------------------------------------------------------------

function frameBlob(video, maxWidth = 640) {
  const scale = Math.min(1, maxWidth / video.videoWidth);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.9));
}

function drawFaces(canvas, width, height, faces) {
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, width, height);
  g.lineWidth = Math.max(2, width / 320);
  g.font = `${Math.max(12, Math.round(width / 40))}px system-ui, sans-serif`;
  for (const face of faces) {
    const { x, y, width: w, height: h } = face.box;
    const colour = face.known ? '#1f9d55' : '#d64545';
    g.strokeStyle = colour;
    g.strokeRect(x, y, w, h);
    const label = face.known ? `${face.person} ${face.distance.toFixed(2)}` : 'unknown';
    const textWidth = g.measureText(label).width + 8;
    const lineHeight = parseInt(g.font, 10) + 6;
    g.fillStyle = colour;
    g.fillRect(x, Math.max(0, y - lineHeight), textWidth, lineHeight);
    g.fillStyle = '#fff';
    g.fillText(label, x + 4, Math.max(lineHeight - 6, y - 6));
  }
}

// ---- live ---------------------------------------------------------------------------------------------------

$('#live-start').addEventListener('click', () => startLive().catch(failed));
$('#live-stop').addEventListener('click', stopLive);

async function startLive() {
  if (state.live) return;
  const video = $('#live-video');
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  video.srcObject = stream;
  await video.play();
  const session = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
  state.live = { stream, session, stopped: false, frames: 0, faces: 0, unknown: 0, strangerInView: false };
  $('#live-start').disabled = true;
  $('#live-stop').disabled = false;
  liveLoop(state.live);
}

function stopLive() {
  const live = state.live;
  if (!live) return;
  live.stopped = true;
  live.stream.getTracks().forEach(t => t.stop());
  $('#live-video').srcObject = null;
  state.live = null;
  $('#live-start').disabled = false;
  $('#live-stop').disabled = true;
}

// A few frames a second: the next frame is sent once the last answer is in, so a slow service is never queued up.
async function liveLoop(live) {
  const video = $('#live-video');
  while (!live.stopped) {
    const started = performance.now();
    try {
      if (video.videoWidth > 0) {
        const blob = await frameBlob(video);
        const form = new FormData();
        form.append('image', blob, 'frame.jpg');
        const answer = await api(`/api/live/frame?session=${encodeURIComponent(live.session)}`, { method: 'POST', form });
        if (live.stopped) break;
        const bitmapWidth = Math.min(640, video.videoWidth);
        const scale = bitmapWidth / video.videoWidth;
        drawFaces($('#live-overlay'), bitmapWidth, Math.round(video.videoHeight * scale), answer.recognition.faces);
        noteFrame(live, answer, blob);
      }
    } catch (error) {
      if (error instanceof ProblemError && error.status === 401) break;
      if (!(error instanceof ProblemError && error.status === 429)) failed(error);
    }
    await new Promise(resolve => setTimeout(resolve, Math.max(50, 250 - (performance.now() - started))));
  }
}

function noteFrame(live, answer, blob) {
  const faces = answer.recognition.faces;
  live.frames += 1;
  live.faces += faces.length;
  const strangers = faces.filter(f => !f.known);
  live.unknown += strangers.length;
  const stats = $('#live-stats');
  stats.dataset.frames = live.frames;
  stats.dataset.faces = live.faces;
  stats.dataset.unknown = live.unknown;
  stats.textContent = `${live.frames} frames, ${live.faces} faces, ${live.unknown} unknown`;
  if (answer.greeting) greet(answer.greeting);
  // The first frame of a stranger (none in view the frame before) is kept, to be named from the page.
  if (strangers.length && !live.strangerInView) keepStranger(blob, strangers[0].box).catch(failed);
  live.strangerInView = strangers.length > 0;
}

function greet(greeting) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}: ${greeting.text}`;
  item.dataset.people = JSON.stringify(greeting.people);
  $('#greetings').prepend(item);
  if ($('#live-speak').checked && 'speechSynthesis' in window)
    speechSynthesis.speak(new SpeechSynthesisUtterance(greeting.text));
}

async function keepStranger(blob, box) {
  const bitmap = await createImageBitmap(blob);
  const margin = 0.4;
  const x = Math.max(0, box.x - box.width * margin);
  const y = Math.max(0, box.y - box.height * margin);
  const w = Math.min(bitmap.width - x, box.width * (1 + 2 * margin));
  const h = Math.min(bitmap.height - y, box.height * (1 + 2 * margin));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(w);
  canvas.height = Math.round(h);
  canvas.getContext('2d').drawImage(bitmap, x, y, w, h, 0, 0, canvas.width, canvas.height);
  const crop = await new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  const card = document.createElement('div');
  card.className = 'stranger';
  const img = document.createElement('img');
  img.src = URL.createObjectURL(crop);
  img.alt = 'a stranger';
  const name = document.createElement('input');
  name.placeholder = 'Name to enroll';
  name.maxLength = 128;
  const save = document.createElement('button');
  save.type = 'button';
  save.textContent = 'Enroll';
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.textContent = 'Dismiss';
  const forget = () => { URL.revokeObjectURL(img.src); card.remove(); };
  save.addEventListener('click', async () => {
    if (!name.value.trim()) return toast('Type a name first.');
    const form = new FormData();
    form.append('photos', crop, 'stranger.jpg');
    try {
      const result = await api(`${personPath(name.value.trim())}/faces?largest=true`, { method: 'POST', form });
      toast(`${result.person.name} enrolled: they will be recognised from now on.`);
      forget();
    } catch (error) {
      failed(error);
    }
  });
  dismiss.addEventListener('click', forget);
  card.append(img, name, save, dismiss);
  const list = $('#strangers');
  list.prepend(card);
  while (list.children.length > 8) list.lastElementChild.remove();
}

// ---- try it -----------------------------------------------------------------------------------------------

acceptDrops($('#try-drop'), files => tryPhoto(files[0]));
$('#try-file').addEventListener('change', event => { if (event.target.files[0]) tryPhoto(event.target.files[0]); });

async function tryPhoto(file) {
  const image = $('#try-image');
  const form = new FormData();
  form.append('image', file, file.name);
  try {
    const result = await api('/api/recognize?top=3', { method: 'POST', form });
    if (image.src) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(file);
    await image.decode();
    drawFaces($('#try-overlay'), image.naturalWidth, image.naturalHeight, result.faces);
    const rows = result.faces.map((face, i) => {
      const row = document.createElement('tr');
      const cells = [`${i + 1}`, face.person ?? 'unknown', face.distance == null ? '–' : face.distance.toFixed(3),
        face.candidates.map(c => `${c.person} ${c.distance.toFixed(3)}`).join(', ') || '–'];
      for (const [j, text] of cells.entries()) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (j === 1) cell.className = face.known ? 'known' : 'unknown';
        row.append(cell);
      }
      return row;
    });
    $('#try-faces tbody').replaceChildren(...rows);
    $('#try-summary').textContent = `${result.faces.length} face${result.faces.length === 1 ? '' : 's'}; threshold ` +
      `${result.threshold.value} (${result.threshold.source}); model ${result.model}; ${result.timings.total} ms`;
  } catch (error) {
    failed(error);
  }
}

// ---- settings ---------------------------------------------------------------------------------------------

async function loadSettings() {
  const threshold = await api('/api/threshold');
  showThreshold(threshold);
  const { liveness } = await api('/api/version');
  $('#liveness-threshold').textContent = String(liveness.threshold);
  $('#liveness-model').textContent = `${liveness.model}, ${liveness.loaded ? 'loaded' : 'loaded on first need'}`;
  const { keys } = await api('/api/keys');
  $('#keys-table tbody').replaceChildren(...keys.map(key => {
    const row = document.createElement('tr');
    for (const text of [key.id, key.name, key.role, new Date(key.createdAt).toLocaleString()]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    const cell = document.createElement('td');
    if (key.revokedAt) cell.textContent = 'revoked';
    else {
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.textContent = 'Revoke';
      revoke.addEventListener('click', async () => {
        if (!await confirmErase(`Revoke key ${key.id} (${key.name})? Programs using it are refused from now on.`, 'Revoke')) return;
        await api(`/api/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' }).catch(failed);
        loadSettings().catch(failed);
      });
      cell.append(revoke);
    }
    row.append(cell);
    return row;
  }));
}

function showThreshold(threshold) {
  $('#threshold-value').textContent = threshold.value.toFixed(4);
  $('#threshold-source').textContent = { explicit: 'given to visage serve', calibrated: 'stored in the gallery', model: "the model's" }[threshold.source]
    + (threshold.note ? `: ${threshold.note}` : '');
}

$('#threshold-form').addEventListener('submit', async event => {
  event.preventDefault();
  const value = parseFloat($('#threshold-input').value);
  try {
    showThreshold(await api('/api/threshold', { method: 'PUT', json: { value, note: 'set on the page' } }));
  } catch (error) {
    failed(error);
  }
});

$('#threshold-clear').addEventListener('click', async () => {
  try {
    showThreshold(await api('/api/threshold', { method: 'PUT', json: { value: null } }));
  } catch (error) {
    failed(error);
  }
});

$('#calibrate-form').addEventListener('submit', async event => {
  event.preventDefault();
  try {
    const result = await api('/api/threshold/calibrate', { method: 'POST', json: { falseAcceptRate: parseFloat($('#far-input').value) } });
    showThreshold(result.threshold);
    $('#calibration-result').textContent = `Threshold ${result.threshold.value.toFixed(4)}: accepts ` +
      `${(result.trueAcceptRate * 100).toFixed(1)}% of same-person pairs and ${(result.falseAcceptRate * 100).toFixed(2)}% ` +
      `of different-person pairs (${result.samePairs} and ${result.differentPairs} pairs).`;
    const plot = $('#calibration-plot');
    plot.src = `${result.plot}?at=${Date.now()}`;
    plot.hidden = false;
  } catch (error) {
    failed(error);
  }
});

$('#key-form').addEventListener('submit', async event => {
  event.preventDefault();
  try {
    const made = await api('/api/keys', { method: 'POST', json: { name: $('#key-name').value, role: $('#key-role').value } });
    $('#new-key').textContent = `New ${made.role} key (shown this once): ${made.key}`;
    $('#key-name').value = '';
    await loadSettings();
  } catch (error) {
    failed(error);
  }
});

// ---- cameras ------------------------------------------------------------------------------------------------
// Each camera's live annotated preview is the service's MJPEG stream in an <img> (the session cookie lets it in);
// the status under it is read again every two seconds while the view is open.

const cameraFields = ['name', 'source', 'confirm', 'window', 'cooldown', 'minface', 'transport', 'aloud'];

async function enterCameras() {
  await loadCameras();
  clearInterval(state.cameraTimer);
  state.cameraTimer = setInterval(() => refreshCameraStatus().catch(() => {}), 2000);
}

function leaveCameras() {
  clearInterval(state.cameraTimer);
  state.cameraTimer = null;
  // Closing the previews' connections: an <img> keeps streaming until its source goes.
  document.querySelectorAll('#cameras-grid img.preview').forEach(img => { img.src = ''; });
  $('#cameras-grid').replaceChildren();
}

async function loadCameras() {
  const { cameras } = await api('/api/cameras');
  document.querySelectorAll('#cameras-grid img.preview').forEach(img => { img.src = ''; });
  $('#cameras-grid').replaceChildren(...cameras.map(cameraCard));
  $('#cameras-empty').hidden = cameras.length > 0;
}

function cameraCard(camera) {
  const card = document.createElement('article');
  card.className = 'camera';
  card.dataset.id = camera.id;
  const title = document.createElement('h3');
  title.textContent = camera.name;
  const badge = document.createElement('span');
  badge.className = 'state';
  title.append(' ', badge);
  const preview = document.createElement('img');
  preview.className = 'preview';
  preview.alt = `${camera.name}: live preview`;
  if (camera.enabled) preview.src = `${camera.preview}?at=${Date.now()}`;
  const source = document.createElement('p');
  source.className = 'source';
  source.textContent = `${camera.source} · greet after ${camera.confirmFrames} of ${camera.windowFrames} frames, ` +
    `cooldown ${camera.cooldownSeconds} s${camera.minFaceSize ? `, faces from ${camera.minFaceSize} px` : ''}` +
    `${camera.greetAloud ? ', said aloud' : ''}${camera.liveness ? ', liveness checked' : ''}`;
  const stats = document.createElement('p');
  stats.className = 'stats';
  const actions = document.createElement('div');
  actions.className = 'actions';
  const buttons = [[camera.enabled ? 'disable' : 'enable', camera.enabled ? 'Disable' : 'Enable'], ['edit', 'Edit'],
    ['snapshot', 'Snapshot'], ['remove', 'Remove']];
  for (const [action, label] of buttons) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = action;
    button.textContent = label;
    if (action === 'remove') button.className = 'danger';
    actions.append(button);
  }
  actions.addEventListener('click', event => {
    const action = event.target.closest('button')?.dataset.action;
    if (action) cameraAction(action, camera).catch(failed);
  });
  card.append(title, preview, source, stats, actions);
  showCameraStatus(card, camera.status);
  return card;
}

function showCameraStatus(card, status) {
  const badge = $('.state', card);
  badge.textContent = status.state;
  badge.className = `state ${status.state}`;
  $('.stats', card).textContent = status.state === 'disabled' ? 'disabled' :
    `${status.fpsRead.toFixed(1)} fps read, ${status.fpsRecognised.toFixed(1)} recognised · ${status.framesRead} frames, ` +
    `${status.framesDropped} dropped · ${status.greetings} greetings, ${status.unknown} strangers` +
    (status.lastError ? ` · last error: ${status.lastError}` : '');
}

async function refreshCameraStatus() {
  if (state.view !== 'cameras') return;
  const { cameras } = await api('/api/cameras');
  for (const camera of cameras) {
    const card = document.querySelector(`#cameras-grid [data-id="${camera.id}"]`);
    if (card) showCameraStatus(card, camera.status);
  }
}

async function cameraAction(action, camera) {
  if (action === 'enable' || action === 'disable') {
    await api(`/api/cameras/${camera.id}/${action}`, { method: 'POST' });
  } else if (action === 'remove') {
    if (!await confirmErase(`Remove the camera ${camera.name}? It stops at once; its past events stay until they expire.`, 'Remove')) return;
    await api(`/api/cameras/${camera.id}`, { method: 'DELETE' });
  } else if (action === 'snapshot') {
    window.open(`${camera.snapshot}?at=${Date.now()}`, '_blank');
    return;
  } else if (action === 'edit') {
    $('#camera-id').value = camera.id;
    $('#camera-field-name').value = camera.name;
    $('#camera-field-source').value = camera.source;
    $('#camera-field-confirm').value = camera.confirmFrames;
    $('#camera-field-window').value = camera.windowFrames;
    $('#camera-field-cooldown').value = camera.cooldownSeconds;
    $('#camera-field-minface').value = camera.minFaceSize;
    $('#camera-field-transport').value = camera.rtspTransport;
    $('#camera-field-aloud').checked = camera.greetAloud;
    $('#camera-field-liveness').checked = camera.liveness;
    $('#camera-save').textContent = `Save ${camera.name}`;
    $('#camera-cancel').hidden = false;
    return;
  }
  await loadCameras();
}

function resetCameraForm() {
  $('#camera-form').reset();
  $('#camera-id').value = '';
  $('#camera-save').textContent = 'Add the camera';
  $('#camera-cancel').hidden = true;
}

$('#camera-cancel').addEventListener('click', resetCameraForm);

$('#camera-form').addEventListener('submit', async event => {
  event.preventDefault();
  const id = $('#camera-id').value;
  const json = {
    name: $('#camera-field-name').value.trim(),
    source: $('#camera-field-source').value.trim(),
    confirmFrames: parseInt($('#camera-field-confirm').value, 10),
    windowFrames: parseInt($('#camera-field-window').value, 10),
    cooldownSeconds: parseFloat($('#camera-field-cooldown').value),
    minFaceSize: parseInt($('#camera-field-minface').value || '0', 10),
    rtspTransport: $('#camera-field-transport').value,
    greetAloud: $('#camera-field-aloud').checked,
    liveness: $('#camera-field-liveness').checked,
  };
  try {
    await api(id ? `/api/cameras/${id}` : '/api/cameras', { method: id ? 'PATCH' : 'POST', json });
    resetCameraForm();
    await loadCameras();
  } catch (error) {
    failed(error);
  }
});

// ---- events and unknown faces -------------------------------------------------------------------------------
// The list pages back with before=next; new events arrive live over Server-Sent Events while the view is open.

const eventsState = { next: null, source: null };

async function enterEvents() {
  const { cameras } = await api('/api/cameras');
  const select = $('#events-camera');
  const chosen = select.value;
  select.replaceChildren(new Option('every camera', ''), ...cameras.map(c => new Option(c.name, c.id)));
  select.value = chosen;
  await Promise.all([loadEvents(false), loadUnknown()]);
  listenForEvents();
}

function leaveEvents() {
  eventsState.source?.close();
  eventsState.source = null;
  $('#events-live').textContent = '';
}

function eventsQuery() {
  const query = new URLSearchParams({ limit: '25' });
  if ($('#events-camera').value) query.set('camera', $('#events-camera').value);
  if ($('#events-kind').value) query.set('event', $('#events-kind').value);
  if ($('#events-person').value.trim()) query.set('person', $('#events-person').value.trim());
  return query;
}

function matchesFilter(e) {
  const query = eventsQuery();
  return (!query.get('camera') || e.camera === query.get('camera')) && (!query.get('event') || e.event === query.get('event'))
    && (!query.get('person') || e.people.includes(query.get('person')) || e.person === query.get('person'));
}

async function loadEvents(more) {
  const query = eventsQuery();
  if (more && eventsState.next != null) query.set('before', eventsState.next);
  const page = await api(`/api/events?${query}`);
  const rows = page.events.map(eventRow);
  const body = $('#events-table tbody');
  if (more) body.append(...rows); else body.replaceChildren(...rows);
  eventsState.next = page.next;
  $('#events-more').hidden = page.next == null;
}

function eventRow(e) {
  const row = document.createElement('tr');
  row.dataset.id = e.id;
  row.className = `event ${e.event}`;
  const who = e.event === 'greeting' ? e.people.join(', ')
    : e.event === 'unknown' ? `${e.faces.length} stranger${e.faces.length === 1 ? '' : 's'}${e.person ? ` (named ${e.person})` : ''}`
    : e.connection?.error || (e.connection?.downSeconds != null ? `back after ${e.connection.downSeconds} s` : '');
  for (const text of [new Date(e.time).toLocaleString(), e.cameraName, e.event, who]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  row.append(livenessCell(e.faces));
  const cell = document.createElement('td');
  if (e.snapshot) {
    const link = document.createElement('a');
    link.href = e.snapshot;
    link.target = '_blank';
    const img = document.createElement('img');
    img.loading = 'lazy';
    img.src = e.snapshot;
    img.alt = `${e.event} at ${e.cameraName}`;
    link.append(img);
    cell.append(link);
  }
  row.append(cell);
  return row;
}

// Each face's liveness check, when its camera asks for one: "live 0.93" or "not live 0.08" (threshold in the tooltip).
function livenessCell(faces) {
  const cell = document.createElement('td');
  cell.className = 'liveness';
  for (const face of faces.filter(f => f.liveness)) {
    const check = document.createElement('span');
    check.className = `check ${face.liveness.live ? 'live' : 'not-live'}`;
    check.textContent = `${face.liveness.live ? 'live' : 'not live'} ${face.liveness.score.toFixed(2)}`;
    check.title = `liveness score ${face.liveness.score} against the threshold ${face.liveness.threshold}` +
      (face.liveness.live ? '' : ': never greeted');
    cell.append(check, ' ');
  }
  return cell;
}

async function loadUnknown() {
  const { events } = await api('/api/unknown?limit=24');
  $('#unknown-grid').replaceChildren(...events.map(unknownCard));
  $('#unknown-empty').hidden = events.length > 0;
}

function unknownCard(e) {
  const card = document.createElement('div');
  card.className = 'stranger';
  card.dataset.id = e.id;
  const img = document.createElement('img');
  img.className = 'thumb';
  img.src = e.crops[0] || e.snapshot;
  img.alt = `a stranger at ${e.cameraName}`;
  const caption = document.createElement('span');
  caption.className = 'hint';
  caption.textContent = `${e.cameraName}, ${new Date(e.time).toLocaleString()}`;
  const name = document.createElement('button');
  name.type = 'button';
  name.textContent = 'Name…';
  name.addEventListener('click', async () => {
    const person = await ask('Who is this? Their face is enrolled under this name.');
    if (!person) return;
    try {
      const named = await api(`/api/unknown/${e.id}/name`, { method: 'POST', json: { person, face: 1 } });
      toast(`${named.event.person}: ${named.enrollment.status === 'enrolled' ? 'enrolled' : named.enrollment.message}.`);
      await loadUnknown();
    } catch (error) {
      failed(error);
    }
  });
  card.append(img, caption, name);
  return card;
}

function listenForEvents() {
  leaveEvents();
  const source = new EventSource('/api/events/stream');
  eventsState.source = source;
  source.onopen = () => { $('#events-live').textContent = '(live)'; };
  source.onerror = () => { $('#events-live').textContent = '(reconnecting…)'; };
  const received = message => {
    const e = JSON.parse(message.data);
    if (matchesFilter(e) && !document.querySelector(`#events-table tr[data-id="${e.id}"]`))
      $('#events-table tbody').prepend(eventRow(e));
    if (e.event === 'unknown') loadUnknown().catch(() => {});
  };
  for (const kind of ['greeting', 'unknown', 'connected', 'disconnected', 'reconnected']) source.addEventListener(kind, received);
}

$('#events-filter').addEventListener('submit', event => {
  event.preventDefault();
  loadEvents(false).catch(failed);
});

$('#events-more').addEventListener('click', () => loadEvents(true).catch(failed));

start();
