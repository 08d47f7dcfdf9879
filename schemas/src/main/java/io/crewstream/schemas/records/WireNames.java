package io.crewstream.schemas.records;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.crewstream.schemas.InvalidFieldException;

/** Parsing of the contract's enums from their wire names, with an error that lists what is allowed. */
final class WireNames {

    private WireNames() {
    }

    static <E extends Enum<E>> E parse(E[] values, Function<E, String> wireName, String wireValue, String recordName,
            String fieldName) {
        for (E value : values) {
            if (wireName.apply(value).equals(wireValue)) {
                return value;
            }
        }
        throw new InvalidFieldException(recordName, fieldName, "must be one of "
                + Arrays.stream(values).map(wireName).collect(Collectors.joining(", ")) + " but was '" + wireValue
                + "'");
    }
}
