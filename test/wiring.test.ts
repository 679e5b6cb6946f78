/**
 * The features are wired in one place (src/wiring.ts): importing every feature connects
 * nothing; wire() connects each event to its listeners, and once only however often it runs.
 */
import { listenerCounts } from '../src/shared/events';
import { wire } from '../src/wiring'; // imports every feature that has an event or a listener

const NOTHING = { 'courses.quizGate': 0, 'courses.completed': 0, 'courses.completionReset': 0, 'org.lineageChanged': 0, 'accounts.peopleMoved': 0 };
const WIRED = { 'courses.quizGate': 1, 'courses.completed': 1, 'courses.completionReset': 1, 'org.lineageChanged': 2, 'accounts.peopleMoved': 1 };

describe('the wiring of the features', () => {
  it('when every feature is imported but wire() was not called, should leave every event without a listener', () => {
    expect(listenerCounts()).toEqual(NOTHING);
  });

  it('when wire() is called, should connect each event to its listeners', () => {
    wire();
    expect(listenerCounts()).toEqual(WIRED);
  });

  it('when wire() is called twice, should not connect any listener twice', () => {
    wire();
    wire();
    expect(listenerCounts()).toEqual(WIRED);
  });
});
