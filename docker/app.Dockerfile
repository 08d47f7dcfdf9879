# syntax=docker/dockerfile:1
# One image recipe for the three crewstream apps, built from the repository with its Maven wrapper:
#   docker build -f docker/app.Dockerfile --build-arg MODULE=ingestor \
#       --build-arg MAIN_CLASS=io.crewstream.ingestor.IngestorApplication .
# The app runs from its plain jar plus its runtime dependencies (no repackaged jar needed), as a non-root user.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
ARG MODULE
# The whole repository (see app.Dockerfile.dockerignore): -am builds the module's in-repo dependencies, and the
# reactor needs every module's pom.
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl ${MODULE} -am -Dmaven.test.skip=true package dependency:copy-dependencies \
        -DincludeScope=runtime \
    && mkdir -p /out && cp -r "${MODULE}/target/dependency" /out/lib \
    && jar="${MODULE}/target/crewstream-${MODULE}-0.1.0-SNAPSHOT.jar" \
    && if [ -f "$jar.original" ]; then cp "$jar.original" /out/app.jar; else cp "$jar" /out/app.jar; fi

FROM eclipse-temurin:17-jre
# curl for the compose health checks.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app crewstream && mkdir -p /var/lib/crewstream \
    && chown crewstream /var/lib/crewstream
ARG MAIN_CLASS
ENV MAIN_CLASS=${MAIN_CLASS} \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
COPY --from=build /out/lib /app/lib
COPY --from=build /out/app.jar /app/app.jar
USER crewstream
WORKDIR /app
ENTRYPOINT ["sh", "-c", "exec java -cp '/app/app.jar:/app/lib/*' \"$MAIN_CLASS\""]
