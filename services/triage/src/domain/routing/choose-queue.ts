import type { Queue } from './routing.types';

export type CustomerTier = 'standard' | 'vip' | 'enterprise';

export interface QueueChoiceInput {
  /** Category from the classification (e.g. 'billing'), or null when unknown. */
  category: string | null;
  customerTier: CustomerTier;
}

export interface QueueChoiceOptions {
  /** Category → skill; a category without an entry is its own skill name. */
  categorySkills?: Readonly<Record<string, string>>;
}

export type QueueRule = 'vip' | 'category' | 'default' | 'none';

export interface QueueDecision {
  queueId: string | null;
  rule: QueueRule;
  /** Skills required of the agent: the chosen queue's skills. */
  requiredSkills: string[];
  /** The skill the category maps to, if any (informative; not added to requiredSkills). */
  categorySkill: string | null;
  reason: string;
}

/**
 * VIP/enterprise customers go to a VIP queue when one exists; otherwise the queue whose skills
 * cover the category's skill (the most specialised one first); otherwise the default queue.
 */
export function chooseQueue(
  input: QueueChoiceInput,
  queues: readonly Queue[],
  options: QueueChoiceOptions = {},
): QueueDecision {
  const categorySkill = input.category ? skillOfCategory(input.category, options.categorySkills) : null;
  const skillsFor = (queue: Queue): string[] => [...new Set(queue.skills)];

  if (input.customerTier === 'vip' || input.customerTier === 'enterprise') {
    const vipQueues = queues.filter((queue) => queue.vip === true && queue.supervisor !== true);
    const vip =
      (categorySkill ? vipQueues.find((queue) => queue.skills.includes(categorySkill)) : undefined) ??
      vipQueues[0];
    if (vip) {
      return {
        queueId: vip.id,
        rule: 'vip',
        requiredSkills: skillsFor(vip),
        categorySkill,
        reason: `${input.customerTier} customer → VIP queue "${vip.name}"`,
      };
    }
  }

  const regular = queues.filter((queue) => queue.vip !== true && queue.supervisor !== true);
  if (categorySkill) {
    const matching = regular
      .filter((queue) => queue.skills.includes(categorySkill))
      .sort((a, b) => a.skills.length - b.skills.length || compareIds(a.id, b.id));
    const match = matching[0];
    if (match) {
      return {
        queueId: match.id,
        rule: 'category',
        requiredSkills: skillsFor(match),
        categorySkill,
        reason: `category "${input.category ?? ''}" needs skill "${categorySkill}" → queue "${match.name}"`,
      };
    }
  }

  const fallback =
    regular.find((queue) => queue.isDefault === true) ?? regular.find((queue) => queue.skills.length === 0);
  if (fallback) {
    const why = categorySkill ? `no queue has skill "${categorySkill}"` : 'no category';
    return {
      queueId: fallback.id,
      rule: 'default',
      requiredSkills: skillsFor(fallback),
      categorySkill,
      reason: `${why} → default queue "${fallback.name}"`,
    };
  }
  return {
    queueId: null,
    rule: 'none',
    requiredSkills: [],
    categorySkill,
    reason: 'no matching queue and no default queue configured',
  };
}

/** The queue breached tickets escalate to, or null when none is configured. */
export function findSupervisorQueue(queues: readonly Queue[]): Queue | null {
  return queues.find((queue) => queue.supervisor === true) ?? null;
}

function skillOfCategory(category: string, map: Readonly<Record<string, string>> | undefined): string {
  // hasOwn, so a category named like an Object.prototype member is not mapped to a function.
  const mapped = map && Object.hasOwn(map, category) ? map[category] : undefined;
  return typeof mapped === 'string' && mapped.length > 0 ? mapped : category;
}

export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
