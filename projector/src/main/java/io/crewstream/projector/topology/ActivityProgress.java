package io.crewstream.projector.topology;

import io.crewstream.schemas.records.SessionActivity;

/**
 * What the projector keeps per session in the {@link ProjectorTopology#ACTIVITY_STORE} store: the state of its runs
 * and the row last published for it.
 */
record ActivityProgress(SessionRuns runs, SessionActivity row) {
}
