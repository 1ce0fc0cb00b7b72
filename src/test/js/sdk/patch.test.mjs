// JSON Patch (RFC 6902) and JSON Pointer (RFC 6901) as the SDK applies them to a context.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, parsePointer, jsonEqual, PatchError } from '../../../main/resources/META-INF/resources/sdk/omnicontext.js';

/** Applies and checks that the input was left as it was (the SDK shares its copy with the screens). */
function applied(doc, patch) {
  const before = JSON.stringify(doc);
  const result = applyPatch(doc, patch);
  assert.equal(JSON.stringify(doc), before, 'the input document must not change');
  return result;
}

function refused(doc, patch, index) {
  const before = JSON.stringify(doc);
  assert.throws(() => applyPatch(doc, patch), (e) => e instanceof PatchError && (index === undefined || e.index === index));
  assert.equal(JSON.stringify(doc), before, 'a failed patch must leave the input as it was');
}

describe('RFC 6902 appendix A', () => {
  test('A.1 adding an object member', () => {
    assert.deepEqual(applied({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { baz: 'qux', foo: 'bar' });
  });
  test('A.2 adding an array element', () => {
    assert.deepEqual(applied({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
  });
  test('A.3 removing an object member', () => {
    assert.deepEqual(applied({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
  });
  test('A.4 removing an array element', () => {
    assert.deepEqual(applied({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
  });
  test('A.5 replacing a value', () => {
    assert.deepEqual(applied({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
  });
  test('A.6 moving a value', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    assert.deepEqual(applied(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]),
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } });
  });
  test('A.7 moving an array element', () => {
    assert.deepEqual(applied({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]),
      { foo: ['all', 'cows', 'eat', 'grass'] });
  });
  test('A.8 testing a value: success', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    assert.deepEqual(applied(doc, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }]), doc);
  });
  test('A.9 testing a value: error', () => {
    refused({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 0);
  });
  test('A.10 adding a nested member object', () => {
    assert.deepEqual(applied({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]),
      { foo: 'bar', child: { grandchild: {} } });
  });
  test('A.11 ignoring unrecognized elements', () => {
    assert.deepEqual(applied({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }]), { foo: 'bar', baz: 'qux' });
  });
  test('A.12 adding to a nonexistent target', () => {
    refused({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 0);
  });
  // A.13 (an operation object with two "op" members) is a JSON text problem: JSON.parse keeps one of them.
  test('A.14 ~ escape ordering', () => {
    const doc = { '/': 9, '~1': 10 };
    assert.deepEqual(applied(doc, [{ op: 'test', path: '/~01', value: 10 }]), doc);
  });
  test('A.15 comparing strings and numbers', () => {
    refused({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 0);
  });
  test('A.16 adding an array value', () => {
    assert.deepEqual(applied({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), { foo: ['bar', ['abc', 'def']] });
  });
});

describe('RFC 6901 JSON Pointer', () => {
  // The example document and pointers of RFC 6901 section 5.
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 };
  const cases = [
    ['', doc], ['/foo', ['bar', 'baz']], ['/foo/0', 'bar'], ['/', 0], ['/a~1b', 1], ['/c%d', 2], ['/e^f', 3],
    ['/g|h', 4], ['/i\\j', 5], ['/k"l', 6], ['/ ', 7], ['/m~0n', 8],
  ];
  for (const [pointer, value] of cases) {
    test(`"${pointer}" points at ${JSON.stringify(value).slice(0, 30)}`, () => {
      assert.deepEqual(applied(doc, [{ op: 'test', path: pointer, value }]), doc);
    });
  }
  test('tokens unescape ~1 before ~0', () => {
    assert.deepEqual(parsePointer('/a~1b/~0c/~01'), ['a/b', '~c', '~1']);
  });
  test('a pointer must start with /', () => {
    assert.throws(() => parsePointer('foo'), PatchError);
  });
});

describe('operations on a context', () => {
  const context = {
    profile: { name: 'Julia' },
    offers: { 'o-1': { offerId: 'o-1', status: 'issued' } },
    notes: [{ noteId: 'n-1' }],
    interactions: [{ interactionId: 'i-2' }, { interactionId: 'i-1' }],
  };

  test('an empty patch answers the same document', () => {
    assert.equal(applyPatch(context, []), context);
  });

  test('untouched members are shared, touched ones are new objects', () => {
    const next = applied(context, [{ op: 'replace', path: '/offers/o-1/status', value: 'redeemed' }]);
    assert.equal(next.offers['o-1'].status, 'redeemed');
    assert.equal(next.notes, context.notes);
    assert.equal(next.profile, context.profile);
    assert.notEqual(next.offers, context.offers);
  });

  test('a failing operation later in the patch applies none of it', () => {
    refused(context, [{ op: 'add', path: '/profile/tier', value: 'gold' }, { op: 'remove', path: '/profile/nope' }], 1);
  });

  test('"-" appends; a newest-first array takes index 0', () => {
    const next = applied(context, [
      { op: 'add', path: '/notes/-', value: { noteId: 'n-2' } },
      { op: 'add', path: '/interactions/0', value: { interactionId: 'i-3' } },
    ]);
    assert.deepEqual(next.notes.map((n) => n.noteId), ['n-1', 'n-2']);
    assert.deepEqual(next.interactions.map((n) => n.interactionId), ['i-3', 'i-2', 'i-1']);
  });

  test('an index equal to the length adds at the end, past it is refused', () => {
    assert.deepEqual(applied([1, 2], [{ op: 'add', path: '/2', value: 3 }]), [1, 2, 3]);
    refused([1, 2], [{ op: 'add', path: '/3', value: 3 }]);
  });

  test('array indexes: no leading zeros, no "-" to remove or replace', () => {
    refused([1, 2], [{ op: 'replace', path: '/01', value: 3 }]);
    refused([1, 2], [{ op: 'remove', path: '/-' }]);
    refused([1, 2], [{ op: 'replace', path: '/2', value: 3 }]);
  });

  test('remove and replace need the target to exist', () => {
    refused(context, [{ op: 'remove', path: '/offers/o-2' }]);
    refused(context, [{ op: 'replace', path: '/profile/tier', value: 'gold' }]);
  });

  test('add on an existing member replaces it', () => {
    assert.deepEqual(applied({ a: 1 }, [{ op: 'add', path: '/a', value: 2 }]), { a: 2 });
  });

  test('the whole document can be replaced or added, not removed', () => {
    assert.deepEqual(applied(context, [{ op: 'replace', path: '', value: { x: 1 } }]), { x: 1 });
    assert.deepEqual(applied(context, [{ op: 'add', path: '', value: [] }]), []);
    refused(context, [{ op: 'remove', path: '' }]);
  });

  test('copy puts the same value at a second place', () => {
    const next = applied(context, [{ op: 'copy', from: '/offers/o-1', path: '/offers/o-2' }]);
    assert.deepEqual(next.offers['o-2'], { offerId: 'o-1', status: 'issued' });
    assert.equal(next.offers['o-1'].status, 'issued');
  });

  test('move into one of its own children is refused, move onto itself changes nothing', () => {
    refused(context, [{ op: 'move', from: '/offers', path: '/offers/o-1/inner' }]);
    assert.deepEqual(applied(context, [{ op: 'move', from: '/profile', path: '/profile' }]), context);
  });

  test('move between arrays and objects', () => {
    const next = applied(context, [{ op: 'move', from: '/notes/0', path: '/profile/firstNote' }]);
    assert.deepEqual(next.notes, []);
    assert.deepEqual(next.profile.firstNote, { noteId: 'n-1' });
  });

  test('test compares JSON values: members in any order, arrays in order', () => {
    assert.ok(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }));
    assert.ok(!jsonEqual([1, 2], [2, 1]));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: undefined }));
    assert.ok(!jsonEqual(null, {}));
    assert.ok(!jsonEqual([], {}));
    refused(context, [{ op: 'test', path: '/notes', value: [] }]);
  });

  test('a member named __proto__ stays a member', () => {
    const next = applied({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]);
    assert.equal(Object.getPrototypeOf(next), Object.prototype);
    assert.deepEqual(Object.keys(next), ['__proto__']);
    assert.equal({}.polluted, undefined);
  });

  test('unknown ops, missing members and non-arrays are refused', () => {
    refused(context, [{ op: 'merge', path: '/profile', value: {} }], 0);
    refused(context, [{ op: 'add', path: '/profile/x' }], 0);
    refused(context, [{ op: 'move', path: '/profile/x' }], 0);
    refused(context, [{ path: '/profile' }], 0);
    assert.throws(() => applyPatch(context, { op: 'add' }), PatchError);
  });

  test('a path through a scalar is refused', () => {
    refused({ a: 1 }, [{ op: 'add', path: '/a/b', value: 2 }]);
    refused({ a: 'text' }, [{ op: 'add', path: '/a/0', value: 2 }]);
  });
});
