/**
 * The target keys of eclipse and poison: which requests concern them. A request names its key
 * (STORE, FIND_VALUE, ADD_SOURCE, FIND_SOURCES) or its target (FIND_NODE, as the lookup before a
 * put does); PING names nothing.
 */
import { MessageType, type Message } from '../core/messages.js';

export function requestKey(msg: Message): Uint8Array | null {
  switch (msg.type) {
    case MessageType.FindNode:
      return msg.target;
    case MessageType.Store:
    case MessageType.FindValue:
    case MessageType.AddSource:
    case MessageType.FindSources:
      return msg.key;
    default:
      return null;
  }
}

/** True when `key` (20 bytes) is one of `targets` (20 bytes each, concatenated). */
export function isTargetKey(targets: Uint8Array, key: Uint8Array): boolean {
  for (let at = 0; at < targets.length; at += 20) {
    if (targets[at] !== key[0] || targets[at + 1] !== key[1]) continue;
    let same = true;
    for (let i = 2; i < 20 && same; i++) same = targets[at + i] === key[i];
    if (same) return true;
  }
  return false;
}

/** Index of `key` among `targets`, or −1. */
export function targetIndex(targets: Uint8Array, key: Uint8Array): number {
  for (let at = 0, t = 0; at < targets.length; at += 20, t++) {
    let same = true;
    for (let i = 0; i < 20 && same; i++) same = targets[at + i] === key[i];
    if (same) return t;
  }
  return -1;
}
