// The Strangers view: the unknown faces the service has seen, grouped into people as they came, each group a
// strip of face crops. Name a group (its faces are enrolled as that person), merge two groups, split a face out
// of one, undo the last of these, or erase a group.
export function strangersView({ api, toast, failed, ask, confirmErase }) {
  const $ = selector => document.querySelector(selector);
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const label = group => `group ${group.cluster} (${plural(group.faces.length, 'face')})`;
  const changes = { merged: 'merge', split: 'split', named: 'naming' };

  async function load() {
    const strangers = await api('/api/strangers');
    const list = $('#strangers-groups');
    list.replaceChildren(...strangers.groups.map(group => strip(group, strangers.groups)));
    $('#strangers-empty').hidden = strangers.groups.length > 0;
    $('#strangers-summary').textContent = `${plural(strangers.groups.length, 'group')} of ${plural(strangers.faces, 'face')}` +
      (strangers.unassigned ? `; ${strangers.unassigned} seen once, not grouped yet` : '') +
      ` (grouped within ${strangers.clustering.distance} by ${strangers.clustering.method.replace('_', ' ')})`;
    const undo = $('#strangers-undo');
    undo.disabled = !strangers.undo;
    undo.dataset.change = strangers.undo || '';
    undo.textContent = strangers.undo ? `Undo the last ${changes[strangers.undo] || strangers.undo}` : 'Undo';
  }

  function strip(group, groups) {
    const card = document.createElement('article');
    card.className = 'strip';
    card.dataset.cluster = group.cluster;
    const title = document.createElement('h3');
    title.textContent = `Group ${group.cluster}`;
    const facts = document.createElement('p');
    facts.className = 'count';
    facts.textContent = `${plural(group.faces.length, 'face')}, seen ${plural(group.sightings, 'time')}, last ${new Date(group.lastSeenAt).toLocaleString()}`;
    const faces = document.createElement('div');
    faces.className = 'faces';
    faces.append(...group.faces.map(face => {
      const figure = document.createElement('figure');
      figure.dataset.faceId = face.faceId;
      const img = document.createElement('img');
      img.src = `/api/strangers/faces/${face.faceId}/crop`;
      img.alt = `a face seen in ${face.image}`;
      img.title = `${face.image}, ${new Date(face.seenAt).toLocaleString()}`;
      figure.append(img);
      if (group.faces.length > 1) {
        const split = document.createElement('button');
        split.type = 'button';
        split.className = 'split';
        split.textContent = '✂';
        split.title = 'Not the same person: take this face out into a group of its own';
        split.addEventListener('click', () => change(async () => {
          await api(`/api/strangers/${group.cluster}/split`, { method: 'POST', json: { faceId: face.faceId } });
          toast(`Face ${face.faceId} is a group of its own now.`);
        }));
        figure.append(split);
      }
      return figure;
    }));
    const actions = document.createElement('div');
    actions.className = 'actions';
    const button = (action, text, onClick, className = '') => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.action = action;
      b.textContent = text;
      b.className = className;
      b.addEventListener('click', () => change(onClick));
      actions.append(b);
    };
    button('name', 'Name…', async () => {
      const { people } = await api('/api/people');
      const person = await ask(`Who is this? Their ${plural(group.faces.length, 'face')} are enrolled under the name` +
        (people.length ? ` (a new name, or one of: ${people.map(p => p.name).join(', ')})` : ''));
      if (!person) return;
      const named = await api(`/api/strangers/${group.cluster}/name`, { method: 'POST', json: { person } });
      toast(`${named.person.name}: ${plural(named.enrolled.length, 'face')} enrolled; they will be recognised from now on.`);
    });
    const others = groups.filter(g => g.cluster !== group.cluster);
    if (others.length) button('merge', 'Merge into…', async () => {
      const choices = others.map(label);
      const chosen = await ask(`Group ${group.cluster} is the same person as…`, { choices });
      if (!chosen) return;
      const into = others[choices.indexOf(chosen)].cluster;
      await api(`/api/strangers/${group.cluster}/merge`, { method: 'POST', json: { into } });
      toast(`Group ${group.cluster} merged into group ${into}.`);
    });
    button('delete', 'Delete', async () => {
      if (!await confirmErase(`Delete group ${group.cluster}? This erases its ${plural(group.faces.length, 'face')} (encodings and crops) for good; it cannot be undone.`,
        'Erase the group')) return;
      await api(`/api/strangers/${group.cluster}`, { method: 'DELETE' });
    }, 'danger');
    card.append(title, facts, faces, actions);
    return card;
  }

  // Every change is followed by a fresh list, whether it worked or not.
  async function change(action) {
    try {
      await action();
    } catch (error) {
      failed(error);
    }
    await load().catch(failed);
  }

  $('#strangers-undo').addEventListener('click', () => change(async () => {
    const undone = await api('/api/strangers/undo', { method: 'POST' });
    toast(`Undid the last ${changes[undone.undone] || undone.undone}` +
      (undone.person ? `: ${plural(undone.facesRemoved, 'face')} taken back from ${undone.person}.` : '.'));
  }));
  $('#strangers-refresh').addEventListener('click', () => load().catch(failed));

  return load;
}
