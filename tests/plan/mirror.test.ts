import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LocalDir, type PlannedNode, planMirror } from '../../src/plan/mirror.ts';
import type { NodeType, Privacy } from '../../src/smugmug/types.ts';

function nodesWith(privacy: Privacy) {
  return (
    key: string,
    parentKey: string | null,
    type: NodeType,
    name: string,
    urlName: string,
  ): PlannedNode => ({
    key,
    parentKey,
    type,
    name,
    urlName,
    privacy,
    relPath: key.slice(2),
  });
}
const node = nodesWith('Private');
const dirs = (entries: [string, number][]): LocalDir[] =>
  entries.map(([relPath, mediaCount]) => ({ relPath, mediaCount }));

describe('planMirror', () => {
  test('a connected folder with only files is a single gallery in the target', () => {
    const plan = planMirror(dirs([['', 12]]), {
      rootName: '  Holiday   2024 ',
      privacy: 'Private',
      baseDepth: 0,
    });
    assert.deepEqual(plan.nodes, [node('D:', null, 'Album', 'Holiday 2024', 'Holiday-2024')]);
    assert.deepEqual(plan.galleryFor, new Map([['', 'D:']]));
    assert.deepEqual(plan.warnings, []);
  });

  test('nested folders: dirs with only subfolders become folders, dirs with files galleries', () => {
    const input = dirs([
      ['Trips/Rome', 12],
      ['', 0],
      ['Family', 5],
      ['Trips/Paris', 3],
    ]);
    const plan = planMirror(input, { rootName: 'Photos', privacy: 'Public', baseDepth: 0 });
    const pub = nodesWith('Public');
    assert.deepEqual(plan.nodes, [
      pub('D:', null, 'Folder', 'Photos', 'Photos'),
      pub('D:Family', 'D:', 'Album', 'Family', 'Family'),
      pub('D:Trips', 'D:', 'Folder', 'Trips', 'Trips'),
      pub('D:Trips/Paris', 'D:Trips', 'Album', 'Paris', 'Paris'),
      pub('D:Trips/Rome', 'D:Trips', 'Album', 'Rome', 'Rome'),
    ]);
    assert.deepEqual(
      plan.galleryFor,
      new Map([
        ['Family', 'D:Family'],
        ['Trips/Paris', 'D:Trips/Paris'],
        ['Trips/Rome', 'D:Trips/Rome'],
      ]),
    );
    assert.deepEqual(plan.warnings, []);
    assert.deepEqual(
      planMirror([...input].reverse(), { rootName: 'Photos', privacy: 'Public', baseDepth: 0 }),
      plan,
    );
  });

  test('a dir with files and subfolders is a folder plus an "Images from folder" gallery', () => {
    const plan = planMirror(
      dirs([
        ['', 2],
        ['Kids', 3],
        ['Kids/School', 4],
        ['Kids/Images from folder Kids', 1],
      ]),
      { rootName: 'Photos', privacy: 'Private', baseDepth: 1 },
    );
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Photos', 'Photos'),
      node('F:', 'D:', 'Album', 'Images from folder Photos', 'Images-from-folder-Photos'),
      node('D:Kids', 'D:', 'Folder', 'Kids', 'Kids'),
      node('F:Kids', 'D:Kids', 'Album', 'Images from folder Kids', 'Images-from-folder-Kids'),
      node(
        'D:Kids/Images from folder Kids',
        'D:Kids',
        'Album',
        'Images from folder Kids',
        'Images-from-folder-Kids-2',
      ),
      node('D:Kids/School', 'D:Kids', 'Album', 'School', 'School'),
    ]);
    assert.deepEqual(
      plan.galleryFor,
      new Map([
        ['', 'F:'],
        ['Kids', 'F:Kids'],
        ['Kids/Images from folder Kids', 'D:Kids/Images from folder Kids'],
        ['Kids/School', 'D:Kids/School'],
      ]),
    );
    assert.deepEqual(plan.warnings, []);
  });

  test('empty dirs produce nothing; unlisted ancestors of dirs with files are implied', () => {
    const plan = planMirror(
      dirs([
        ['Empty', 0],
        ['Empty/Deeper', 0],
        ['Only/Sub/Leaf', 7],
        ['Zero', -1],
      ]),
      { rootName: 'Photos', privacy: 'Private', baseDepth: 0 },
    );
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Photos', 'Photos'),
      node('D:Only', 'D:', 'Folder', 'Only', 'Only'),
      node('D:Only/Sub', 'D:Only', 'Folder', 'Sub', 'Sub'),
      node('D:Only/Sub/Leaf', 'D:Only/Sub', 'Album', 'Leaf', 'Leaf'),
    ]);
    assert.deepEqual(plan.galleryFor, new Map([['Only/Sub/Leaf', 'D:Only/Sub/Leaf']]));

    const nothing = planMirror(
      dirs([
        ['', 0],
        ['Empty', 0],
      ]),
      { rootName: 'P', privacy: 'Private', baseDepth: 0 },
    );
    assert.deepEqual(nothing, { nodes: [], galleryFor: new Map(), warnings: [] });
  });

  test('siblings whose names collide after normalisation get distinct UrlNames; other parents do not clash', () => {
    const plan = planMirror(
      dirs([
        ['Black-White', 1],
        ['black white', 1],
        ['Black & White', 1],
        ['🎉', 1],
        ['🎈', 1],
        ['東京/Black & White', 1],
        ['   ', 1],
      ]),
      { rootName: 'Photos', privacy: 'Unlisted', baseDepth: 0 },
    );
    const unl = nodesWith('Unlisted');
    assert.deepEqual(plan.nodes, [
      unl('D:', null, 'Folder', 'Photos', 'Photos'),
      unl('D:   ', 'D:', 'Album', 'Untitled', 'Untitled'),
      unl('D:Black & White', 'D:', 'Album', 'Black & White', 'Black-White'),
      unl('D:Black-White', 'D:', 'Album', 'Black-White', 'Black-White-2'),
      unl('D:black white', 'D:', 'Album', 'black white', 'Black-white-3'),
      unl('D:東京', 'D:', 'Folder', '東京', 'Folder'),
      unl('D:東京/Black & White', 'D:東京', 'Album', 'Black & White', 'Black-White'),
      unl('D:🎈', 'D:', 'Album', '🎈', 'Gallery'),
      unl('D:🎉', 'D:', 'Album', '🎉', 'Gallery-2'),
    ]);
  });

  // Two long branches: "…/Day 1/Morning" is 6 levels deep, "…/Morning/Coffee/Espresso" 8.
  const deepTree = dirs([
    ['Travel/2019/Italy/Rome/Day 1/Morning/Coffee/Espresso', 1],
    ['Travel/2019/Italy/Rome/Day 1/Morning/Coffee', 0],
    ['Travel/2019/Italy/Rome/Day 1/Morning', 5],
    ['Travel/2019/Italy/Rome/Day 1', 3],
    ['Travel/2019/Italy/Rome/Day 2', 4],
    ['Travel/2019/Italy/Rome', 2],
    ['Travel/Home', 2],
  ]);
  const rome = 'Travel/2019/Italy/Rome';

  test('at the account root, levels below the fifth folder are folded into galleries in the fifth', () => {
    const plan = planMirror(deepTree, { rootName: 'Photos', privacy: 'Private', baseDepth: 0 });
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Photos', 'Photos'),
      node('D:Travel', 'D:', 'Folder', 'Travel', 'Travel'),
      node('D:Travel/2019', 'D:Travel', 'Folder', '2019', '2019'),
      node('D:Travel/2019/Italy', 'D:Travel/2019', 'Folder', 'Italy', 'Italy'),
      node(`D:${rome}`, 'D:Travel/2019/Italy', 'Folder', 'Rome', 'Rome'),
      node(`F:${rome}`, `D:${rome}`, 'Album', 'Images from folder Rome', 'Images-from-folder-Rome'),
      node(`D:${rome}/Day 1`, `D:${rome}`, 'Album', 'Day 1', 'Day-1'),
      node(`D:${rome}/Day 1/Morning`, `D:${rome}`, 'Album', 'Day 1 - Morning', 'Day-1-Morning'),
      node(
        `D:${rome}/Day 1/Morning/Coffee/Espresso`,
        `D:${rome}`,
        'Album',
        'Day 1 - Morning - Coffee - Espresso',
        'Day-1-Morning-Coffee-Espresso',
      ),
      node(`D:${rome}/Day 2`, `D:${rome}`, 'Album', 'Day 2', 'Day-2'),
      node('D:Travel/Home', 'D:Travel', 'Album', 'Home', 'Home'),
    ]);
    assert.deepEqual(
      plan.galleryFor,
      new Map([
        [rome, `F:${rome}`],
        [`${rome}/Day 1`, `D:${rome}/Day 1`],
        [`${rome}/Day 1/Morning`, `D:${rome}/Day 1/Morning`],
        [`${rome}/Day 1/Morning/Coffee/Espresso`, `D:${rome}/Day 1/Morning/Coffee/Espresso`],
        [`${rome}/Day 2`, `D:${rome}/Day 2`],
        ['Travel/Home', 'D:Travel/Home'],
      ]),
    );
    assert.deepEqual(plan.warnings, [
      `Folder "${rome}/Day 1" is deeper than SmugMug's five folder levels; its photos go into gallery "Day 1" inside "Rome".`,
      `Folder "${rome}/Day 1/Morning" is deeper than SmugMug's five folder levels; its photos go into gallery "Day 1 - Morning" inside "Rome".`,
      `Folder "${rome}/Day 1/Morning/Coffee/Espresso" is deeper than SmugMug's five folder levels; its photos go into gallery "Day 1 - Morning - Coffee - Espresso" inside "Rome".`,
    ]);
  });

  test('under a target three levels deep, only two local levels can be folders', () => {
    const plan = planMirror(deepTree, { rootName: 'Photos', privacy: 'Private', baseDepth: 3 });
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Photos', 'Photos'),
      node('D:Travel', 'D:', 'Folder', 'Travel', 'Travel'),
      node(`D:${rome}`, 'D:Travel', 'Album', '2019 - Italy - Rome', '2019-Italy-Rome'),
      node(`D:${rome}/Day 1`, 'D:Travel', 'Album', '2019 - Italy - Rome - Day 1', '2019-Italy-Rome-Day-1'),
      node(
        `D:${rome}/Day 1/Morning`,
        'D:Travel',
        'Album',
        '2019 - Italy - Rome - Day 1 - Morning',
        '2019-Italy-Rome-Day-1-Morning',
      ),
      node(
        `D:${rome}/Day 1/Morning/Coffee/Espresso`,
        'D:Travel',
        'Album',
        '2019 - Italy - Rome - Day 1 - Morning - Coffee - Espresso',
        '2019-Italy-Rome-Day-1-Morning-Coffee-Espresso',
      ),
      node(`D:${rome}/Day 2`, 'D:Travel', 'Album', '2019 - Italy - Rome - Day 2', '2019-Italy-Rome-Day-2'),
      node('D:Travel/Home', 'D:Travel', 'Album', 'Home', 'Home'),
    ]);
    assert.deepEqual(
      plan.galleryFor,
      new Map([
        [rome, `D:${rome}`],
        [`${rome}/Day 1`, `D:${rome}/Day 1`],
        [`${rome}/Day 1/Morning`, `D:${rome}/Day 1/Morning`],
        [`${rome}/Day 1/Morning/Coffee/Espresso`, `D:${rome}/Day 1/Morning/Coffee/Espresso`],
        [`${rome}/Day 2`, `D:${rome}/Day 2`],
        ['Travel/Home', 'D:Travel/Home'],
      ]),
    );
    const warn = (path: string, gallery: string) =>
      `Folder "${path}" is deeper than SmugMug's five folder levels; its photos go into gallery "${gallery}" inside "Travel".`;
    assert.deepEqual(plan.warnings, [
      warn(rome, '2019 - Italy - Rome'),
      warn(`${rome}/Day 1`, '2019 - Italy - Rome - Day 1'),
      warn(`${rome}/Day 1/Morning`, '2019 - Italy - Rome - Day 1 - Morning'),
      warn(
        `${rome}/Day 1/Morning/Coffee/Espresso`,
        '2019 - Italy - Rome - Day 1 - Morning - Coffee - Espresso',
      ),
      warn(`${rome}/Day 2`, '2019 - Italy - Rome - Day 2'),
    ]);
  });

  test('under a target at level four, the connected folder is the only folder', () => {
    const plan = planMirror(
      dirs([
        ['Rome', 2],
        ['Rome/Day 1', 1],
        ['Paris', 3],
      ]),
      { rootName: 'Trip', privacy: 'Private', baseDepth: 4 },
    );
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Trip', 'Trip'),
      node('D:Paris', 'D:', 'Album', 'Paris', 'Paris'),
      node('D:Rome', 'D:', 'Album', 'Rome', 'Rome'),
      node('D:Rome/Day 1', 'D:', 'Album', 'Rome - Day 1', 'Rome-Day-1'),
    ]);
    assert.deepEqual(plan.warnings, [
      `Folder "Rome" is deeper than SmugMug's five folder levels; its photos go into gallery "Rome" inside "Trip".`,
      `Folder "Rome/Day 1" is deeper than SmugMug's five folder levels; its photos go into gallery "Rome - Day 1" inside "Trip".`,
    ]);
  });

  test('under a target already five levels deep, the connected folder is a gallery with its subfolders beside it', () => {
    const input = dirs([
      ['', 3],
      ['Rome', 2],
      ['Rome/Day 1', 1],
      ['Paris', 0],
      ['Paris/Louvre', 4],
    ]);
    const plan = planMirror(input, { rootName: 'Trip', privacy: 'Private', baseDepth: 5 });
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Album', 'Trip', 'Trip'),
      node('D:Paris/Louvre', null, 'Album', 'Trip - Paris - Louvre', 'Trip-Paris-Louvre'),
      node('D:Rome', null, 'Album', 'Trip - Rome', 'Trip-Rome'),
      node('D:Rome/Day 1', null, 'Album', 'Trip - Rome - Day 1', 'Trip-Rome-Day-1'),
    ]);
    assert.deepEqual(
      plan.galleryFor,
      new Map([
        ['', 'D:'],
        ['Paris/Louvre', 'D:Paris/Louvre'],
        ['Rome', 'D:Rome'],
        ['Rome/Day 1', 'D:Rome/Day 1'],
      ]),
    );
    const inTarget = 'inside the SmugMug folder you chose.';
    assert.deepEqual(plan.warnings, [
      `The connected folder "Trip" cannot be a folder on SmugMug, because the SmugMug folder you chose already uses all of SmugMug's five folder levels; its photos go into gallery "Trip" ${inTarget}`,
      `Folder "Paris/Louvre" is deeper than SmugMug's five folder levels; its photos go into gallery "Trip - Paris - Louvre" ${inTarget}`,
      `Folder "Rome" is deeper than SmugMug's five folder levels; its photos go into gallery "Trip - Rome" ${inTarget}`,
      `Folder "Rome/Day 1" is deeper than SmugMug's five folder levels; its photos go into gallery "Trip - Rome - Day 1" ${inTarget}`,
    ]);
    assert.deepEqual(planMirror(input, { rootName: 'Trip', privacy: 'Private', baseDepth: 7 }), plan);

    const filesOnly = planMirror(dirs([['', 3]]), { rootName: 'Trip', privacy: 'Private', baseDepth: 5 });
    assert.deepEqual(filesOnly.nodes, [node('D:', null, 'Album', 'Trip', 'Trip')]);
    assert.deepEqual(filesOnly.warnings, []);
  });

  test('maxFolderDepth changes where folding starts', () => {
    const plan = planMirror(dirs([['a/b/c', 1]]), {
      rootName: 'Root',
      privacy: 'Private',
      baseDepth: 0,
      maxFolderDepth: 2,
    });
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Root', 'Root'),
      node('D:a', 'D:', 'Folder', 'a', 'A'),
      node('D:a/b/c', 'D:a', 'Album', 'b - c', 'B-c'),
    ]);
    assert.deepEqual(plan.warnings, [
      `Folder "a/b/c" is deeper than SmugMug's two folder levels; its photos go into gallery "b - c" inside "a".`,
    ]);
  });

  test('a gallery that gains subfolders stays a gallery; they become galleries beside it', () => {
    const plan = planMirror(
      dirs([
        ['Trips', 3],
        ['Trips/Rome', 2],
        ['Trips/Rome/Day 1', 1],
        ['Kids', 1],
      ]),
      {
        rootName: 'Photos',
        privacy: 'Private',
        baseDepth: 0,
        existing: new Map<string, NodeType>([['Trips', 'Album']]),
      },
    );
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Photos', 'Photos'),
      node('D:Kids', 'D:', 'Album', 'Kids', 'Kids'),
      node('D:Trips', 'D:', 'Album', 'Trips', 'Trips'),
      node('D:Trips/Rome', 'D:', 'Album', 'Trips - Rome', 'Trips-Rome'),
      node('D:Trips/Rome/Day 1', 'D:', 'Album', 'Trips - Rome - Day 1', 'Trips-Rome-Day-1'),
    ]);
    assert.deepEqual(plan.warnings, [
      'Folder "Trips" is already a gallery on SmugMug, and galleries cannot hold folders; the photos of "Trips/Rome" go into gallery "Trips - Rome" beside it.',
      'Folder "Trips" is already a gallery on SmugMug, and galleries cannot hold folders; the photos of "Trips/Rome/Day 1" go into gallery "Trips - Rome - Day 1" beside it.',
    ]);
  });

  test('a folder that lost its subfolders stays a folder, its files in its own gallery', () => {
    const plan = planMirror(dirs([['Trips', 3]]), {
      rootName: 'Photos',
      privacy: 'Private',
      baseDepth: 0,
      existing: new Map<string, NodeType>([['Trips', 'Folder']]),
    });
    assert.deepEqual(plan.nodes, [
      node('D:', null, 'Folder', 'Photos', 'Photos'),
      node('D:Trips', 'D:', 'Folder', 'Trips', 'Trips'),
      { ...node('F:Trips', 'D:Trips', 'Album', 'Images from folder Trips', 'Images-from-folder-Trips') },
    ]);
    assert.equal(plan.galleryFor.get('Trips'), 'F:Trips');
  });

  test('refuses paths and depths it cannot plan', () => {
    const options = { rootName: 'P', privacy: 'Private' as const, baseDepth: 0 };
    for (const bad of ['/a', 'a/', 'a//b', './a', 'a/../b']) {
      assert.throws(() => planMirror(dirs([[bad, 1]]), options), /is not a plain relative path/, bad);
    }
    assert.throws(() => planMirror([], { ...options, baseDepth: -1 }), RangeError);
    assert.throws(() => planMirror([], { ...options, baseDepth: 1.5 }), RangeError);
    assert.throws(() => planMirror([], { ...options, maxFolderDepth: 0 }), RangeError);
  });
});
