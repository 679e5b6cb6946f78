/**
 * The features are wired in one place (src/wiring.ts): importing every feature connects
 * nothing; wire() connects each event to its listeners, and once only however often it runs.
 * Each test imports the features afresh (jest.isolateModules), so none sees what another wired.
 */
type Events = typeof import('../src/shared/events');
type Wiring = typeof import('../src/wiring');

/** A fresh copy of the events and of every feature (src/wiring imports every feature that has an event or a listener), nothing wired yet. */
function freshApp(): { listenerCounts: Events['listenerCounts'] } & Wiring {
  let app: ({ listenerCounts: Events['listenerCounts'] } & Wiring) | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { listenerCounts } = require('../src/shared/events') as Events;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    app = { listenerCounts, ...(require('../src/wiring') as Wiring) };
  });
  return app!;
}

const NOTHING = {
  'courses.quizGate': 0,
  'courses.dueDates': 0,
  'courses.completed': 0,
  'courses.completionReset': 0,
  'org.lineageChanged': 0,
  'accounts.peopleMoved': 0,
  'reports.pastDueCohorts': 0,
  'reports.retrainingFigures': 0,
  'cohorts.retrainingOfTrainers': 0,
  'retraining.attendanceChanged': 0,
  'retraining.sessionStatusChanged': 0,
};
const WIRED = {
  'courses.quizGate': 1,
  'courses.dueDates': 1,
  'courses.completed': 1,
  'courses.completionReset': 1,
  'org.lineageChanged': 2,
  'accounts.peopleMoved': 2,
  'reports.pastDueCohorts': 1,
  'reports.retrainingFigures': 1,
  'cohorts.retrainingOfTrainers': 1,
  'retraining.attendanceChanged': 1,
  'retraining.sessionStatusChanged': 1,
};

describe('the wiring of the features', () => {
  it('when every feature is imported but wire() was not called, should leave every event without a listener', () => {
    const { listenerCounts } = freshApp();
    expect(listenerCounts()).toEqual(NOTHING);
  });

  it('when wire() is called, should connect each event to its listeners', () => {
    const { listenerCounts, wire } = freshApp();
    wire();
    expect(listenerCounts()).toEqual(WIRED);
  });

  it('when wire() is called twice, should not connect any listener twice', () => {
    const { listenerCounts, wire } = freshApp();
    wire();
    wire();
    expect(listenerCounts()).toEqual(WIRED);
  });

  it('when a feature is listed, should give its routers and menu links from that one line, each link in its own place', () => {
    const { FEATURES, navItems } = freshApp();
    const names = FEATURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    // every menu link belongs to a listed feature, and the menu order is total
    const orders = navItems().map((i) => i.order);
    expect(new Set(orders).size).toBe(orders.length);
    expect(navItems().map((i) => i.href)).toEqual(expect.arrayContaining(['/', '/courses', '/certificates', '/cohorts', '/reports', '/field-reports', '/people', '/admin/audit']));
    expect(FEATURES.filter((f) => f.routes).length).toBe(FEATURES.length);
  });
});
