import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CairnError } from "../../src/core/errors.js";
import type { RingState } from "../../src/core/header.js";
import { type AppendPlan, type RingFrame, planAppend } from "../../src/core/plan.js";

const R = 1024;
const EMPTY: RingState = { headOff: 0, tailOff: 0, tailNextOff: 0, oldestSeq: 0, newestSeq: 0 };

/** A model ring: applies plans and answers frame lookups, like the file would. */
class ModelRing {
  frames = new Map<number, RingFrame & { seq?: number }>();
  state: RingState = { ...EMPTY };
  constructor(readonly ringSize = R) {}
  lookup = (off: number): RingFrame => {
    const f = this.frames.get(off);
    assert.ok(f, `plan looked up ring offset ${off} where no frame is`);
    return f;
  };
  append(frameBytes: number): AppendPlan {
    const plan = planAppend(this.state, this.ringSize, frameBytes, this.lookup);
    if (plan.wrapMarkerOff !== null) this.frames.set(plan.wrapMarkerOff, { kind: "wrap" });
    for (const [off, f] of this.frames) {
      const end = off + (f.kind === "frame" ? f.frameBytes : 64);
      if (off !== plan.frameOff && off < plan.frameOff + frameBytes && end > plan.frameOff) this.frames.delete(off);
    }
    this.frames.set(plan.frameOff, { kind: "frame", frameBytes, seq: plan.seq });
    this.state = plan.next;
    this.checkLiveFrames();
    return plan;
  }
  /** Walks tail → head and checks that exactly oldest..newest are found, in order. */
  checkLiveFrames(): void {
    const s = this.state;
    if (s.oldestSeq === 0) return;
    let pos = s.tailOff;
    for (let seq = s.oldestSeq; seq <= s.newestSeq; seq++) {
      if (this.ringSize - pos < 64) pos = 0;
      let f = this.frames.get(pos);
      if (f?.kind === "wrap") {
        pos = 0;
        f = this.frames.get(0);
      }
      assert.ok(f && f.kind === "frame", `frame for seq ${seq} at ${pos}`);
      assert.equal(f.seq, seq);
      pos = (pos + f.frameBytes) % this.ringSize;
    }
    assert.equal(pos % this.ringSize, this.ringSize - s.headOff < 64 && pos === 0 ? 0 : s.headOff);
  }
}

describe("planAppend", () => {
  it("places the first frame at offset 0 of an empty ring", () => {
    const ring = new ModelRing();
    const plan = ring.append(80);
    assert.equal(plan.seq, 1);
    assert.equal(plan.frameOff, 0);
    assert.equal(plan.wrapMarkerOff, null);
    assert.equal(plan.dropped, 0);
    assert.deepEqual(plan.next, { headOff: 80, tailOff: 0, tailNextOff: 80, oldestSeq: 1, newestSeq: 1 });
  });

  it("fills the ring exactly: head returns to 0 and head == tail means full", () => {
    const ring = new ModelRing();
    ring.append(512);
    const plan = ring.append(512);
    assert.equal(plan.frameOff, 512);
    assert.equal(plan.dropped, 0);
    assert.equal(plan.next.headOff, 0);
    assert.equal(plan.next.tailOff, 0);
    assert.equal(plan.next.oldestSeq, 1);
    assert.equal(plan.next.newestSeq, 2);
  });

  it("a frame exactly the ring's size fits, and the next append drops it", () => {
    const ring = new ModelRing();
    const first = ring.append(R);
    assert.deepEqual(first.next, { headOff: 0, tailOff: 0, tailNextOff: 0, oldestSeq: 1, newestSeq: 1 });
    const second = ring.append(72);
    assert.equal(second.dropped, 1);
    assert.equal(second.next.oldestSeq, 2);
    assert.equal(second.frameOff, 0);
  });

  it("wraps with 0 bytes left (exact fit at the ring end) without a marker", () => {
    const ring = new ModelRing();
    ring.append(504);
    ring.append(440); // head 944
    const plan = ring.append(80); // 944 + 80 = 1024
    assert.equal(plan.frameOff, 944);
    assert.equal(plan.wrapMarkerOff, null);
    assert.equal(plan.next.headOff, 0);
  });

  for (const left of [8, 16, 32, 56]) {
    it(`wraps with ${left} bytes left by jumping to 0 silently (no wrap marker)`, () => {
      const ring = new ModelRing();
      ring.append(R - left - 200);
      ring.append(200); // head = R - left
      assert.equal(ring.state.headOff, R - left);
      const plan = ring.append(96);
      assert.equal(plan.wrapMarkerOff, null);
      assert.equal(plan.frameOff, 0);
      assert.equal(plan.dropped, 1, "the frame at 0 leaves the ring");
      assert.equal(plan.next.oldestSeq, 2);
      assert.equal(plan.next.tailOff, R - left - 200);
    });
  }

  for (const left of [64, 72, 200]) {
    it(`wraps with ${left} bytes left by writing a wrap marker at head`, () => {
      const ring = new ModelRing();
      ring.append(R - left - 200);
      ring.append(200);
      const plan = ring.append(left + 8 <= R - 200 ? left + 8 : 96);
      assert.equal(plan.wrapMarkerOff, R - left);
      assert.equal(plan.frameOff, 0);
    });
  }

  it("tail passing a wrap marker drops no message", () => {
    const ring = new ModelRing();
    ring.append(400);
    ring.append(400); // head 800, 224 left
    ring.append(400); // marker at 800, frame at 0, drops seq 1
    assert.equal(ring.state.oldestSeq, 2);
    const plan = ring.append(400); // at 400: drops seq 2 (at 400)
    assert.equal(plan.dropped, 1);
    const plan2 = ring.append(200); // at 800 (fits 800+200 <= 1024): tail at marker 800 moves to 0 without a drop
    assert.equal(plan2.frameOff, 800);
    assert.equal(plan2.dropped, 0);
    assert.equal(plan2.next.tailOff, 0);
    assert.equal(plan2.next.oldestSeq, 3);
  });

  it("drops down to empty when the new frame needs the whole ring", () => {
    const ring = new ModelRing();
    for (let i = 0; i < 10; i++) ring.append(96);
    const plan = ring.append(R);
    assert.equal(plan.dropped, 10);
    assert.equal(plan.afterDrop.oldestSeq, 0, "readers see an empty pool before the bytes change");
    assert.equal(plan.afterDrop.headOff, plan.afterDrop.tailOff);
    assert.deepEqual(plan.next, { headOff: 0, tailOff: 0, tailNextOff: 0, oldestSeq: 11, newestSeq: 11 });
  });

  it("publishes the dropped tail before anything is overwritten", () => {
    const ring = new ModelRing();
    for (let i = 0; i < 10; i++) ring.append(96); // 960 used
    const plan = ring.append(200); // wrap: drops frames at 0..192
    assert.ok(plan.tailMoved);
    assert.equal(plan.afterDrop.headOff, 960, "head stays until the frame is written");
    assert.equal(plan.afterDrop.newestSeq, 10);
    assert.equal(plan.afterDrop.oldestSeq, 4);
    assert.equal(plan.afterDrop.tailOff, 288);
  });

  it("rejects a frame larger than the ring as a broken invariant", () => {
    assert.throws(
      () => planAppend(EMPTY, R, R + 8, () => ({ kind: "wrap" })),
      (err: unknown) => {
        return err instanceof CairnError && err.kind === "Internal";
      },
    );
  });

  it("keeps the ring consistent over 20,000 random appends", () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const ring = new ModelRing(4096);
    for (let i = 0; i < 20000; i++) {
      const bytes = 72 + 8 * Math.floor(next() * (next() < 0.05 ? 500 : 40));
      ring.append(Math.min(bytes, 4096));
    }
    assert.equal(ring.state.newestSeq, 20000);
  });
});
