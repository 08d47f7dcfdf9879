package io.crewstream.bench.scenario;

import io.crewstream.bench.Options;

/** One benchmark: measures, then writes its report under the context's results directory. */
public interface Scenario {

    void run(BenchContext context, Options options) throws Exception;
}
