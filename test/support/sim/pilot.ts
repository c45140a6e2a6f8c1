/**
 * A simulated pilot: several developers, each a `simulateDeveloper`, sharing a few repositories, working on
 * one or two devices, some exporting pseudonymized. Optionally a between-developer confound: heavier AI users
 * are also heavier committers for reasons of their own (their activity levels are drawn together), while on
 * any developer's own days AI use and commits stay independent unless an effect is planted.
 *
 * Pure data, no I/O: the test support that writes databases and exports from it lives with the tests.
 */
import { Rng } from './prng';
import { simulateDeveloper, type DeveloperOptions, type PlantedEffect, type SimulatedDeveloper } from './developer';

export interface PilotOptions {
  seed: number;
  developers: number;
  /** First day (a Monday reads best) and number of calendar days. */
  start: string;
  days: number;
  repos: readonly string[];
  /** Planted within-developer effect for every developer (null: none). */
  effect?: PlantedEffect | null;
  /** Heavier AI users commit more (levels drawn from one factor per developer). */
  confound?: boolean;
  /** Developers (by index) working on two devices, alternating by week. */
  twoDevices?: readonly number[];
  /** Developers (by index) whose devices export pseudonymized. */
  pseudonymized?: readonly number[];
  /** Extra options for every developer. */
  developer?: Partial<DeveloperOptions>;
}

export interface PilotDeveloper {
  email: string;
  repo: string;
  devices: string[];
  pseudonymized: boolean;
  sim: SimulatedDeveloper;
  /** The device that recorded each day's AI use (index into `devices`). */
  deviceOfDay: number[];
  /** The activity factor behind the levels (the confound), for checking only. */
  level: number;
}

export interface Pilot {
  days: string[];
  developers: PilotDeveloper[];
}

export function simulatePilot(o: PilotOptions): Pilot {
  const rng = new Rng(o.seed);
  const two = new Set(o.twoDevices ?? []);
  const pseudo = new Set(o.pseudonymized ?? []);
  const developers: PilotDeveloper[] = [];
  for (let i = 0; i < o.developers; i++) {
    const level = Math.exp(rng.normal(0, 0.6));
    const aiLevel = o.confound ? 12 * level ** 1.5 : 12 * Math.exp(rng.normal(0, 0.6));
    const commitLevel = o.confound ? 3 * level : 3 * Math.exp(rng.normal(0, 0.4));
    const sim = simulateDeveloper({
      seed: o.seed * 1000 + i,
      calendar: { start: o.start, days: o.days, vacationWeeks: 0, oddDayOffProb: 0.03, holidays: [] },
      presence: false,
      aiLevel,
      commitLevel,
      effect: o.effect ?? null,
      ...o.developer,
    });
    const devices = two.has(i) ? [`laptop-${i}`, `desktop-${i}`] : [`laptop-${i}`];
    developers.push({
      email: `dev${i}@example.com`,
      repo: o.repos[i % o.repos.length]!,
      devices,
      pseudonymized: pseudo.has(i),
      sim,
      deviceOfDay: sim.days.map((_, d) => (devices.length === 2 ? Math.floor(d / 7) % 2 : 0)),
      level,
    });
  }
  return { days: developers[0]?.sim.days ?? [], developers };
}
