package io.procpool.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializers for the JDK's non-public collection views and wrappers ({@code Collections.unmodifiableList},
 * {@code synchronizedMap}, {@code subList}, {@code keySet()} ...), which Kryo cannot rebuild on JDK 17 without
 * {@code --add-opens}. They travel as copies: a list as an {@link ArrayList}, a set as a {@link LinkedHashSet}, a map as
 * a {@link LinkedHashMap}, wrapped unmodifiable again when the original was an unmodifiable wrapper. Iteration order is
 * kept; the view's link to its backing collection is not (it could not be, across processes).
 *
 * <p>Thread-safety: stateless.
 */
final class ViewCopySerializers {
    private ViewCopySerializers() {
    }

    /** True for a JDK class that Kryo's generic collection and map serializers cannot rebuild. */
    static boolean needsCopy(Class<?> type) {
        Package pkg = type.getPackage();
        return pkg != null && pkg.getName().startsWith("java.")
                && !java.lang.reflect.Modifier.isPublic(type.getModifiers())
                && (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type));
    }

    static Serializer<?> forType(Class<?> type) {
        boolean unmodifiable = type.getName().contains("Unmodifiable");
        if (Map.class.isAssignableFrom(type)) {
            return new MapCopy(unmodifiable);
        }
        if (List.class.isAssignableFrom(type)) {
            return new CollectionCopy(unmodifiable, Kind.LIST);
        }
        if (Set.class.isAssignableFrom(type)) {
            return new CollectionCopy(unmodifiable, Kind.SET);
        }
        return new CollectionCopy(unmodifiable, Kind.COLLECTION);
    }

    private enum Kind { LIST, SET, COLLECTION }

    private static final class CollectionCopy extends Serializer<Collection<Object>> {
        private final boolean unmodifiable;
        private final Kind kind;

        CollectionCopy(boolean unmodifiable, Kind kind) {
            this.unmodifiable = unmodifiable;
            this.kind = kind;
        }

        @Override
        public void write(Kryo kryo, Output output, Collection<Object> collection) {
            List<Object> snapshot = new ArrayList<>(collection);
            output.writeVarInt(snapshot.size(), true);
            for (Object element : snapshot) {
                kryo.writeClassAndObject(output, element);
            }
        }

        @Override
        public Collection<Object> read(Kryo kryo, Input input, Class<? extends Collection<Object>> type) {
            int size = input.readVarInt(true);
            Collection<Object> copy = kind == Kind.SET ? new LinkedHashSet<>(size * 2) : new ArrayList<>(size);
            kryo.reference(copy);
            for (int i = 0; i < size; i++) {
                copy.add(kryo.readClassAndObject(input));
            }
            if (!unmodifiable) {
                return copy;
            }
            return switch (kind) {
                case LIST -> Collections.unmodifiableList((List<Object>) copy);
                case SET -> Collections.unmodifiableSet((Set<Object>) copy);
                case COLLECTION -> Collections.unmodifiableCollection(copy);
            };
        }
    }

    private static final class MapCopy extends Serializer<Map<Object, Object>> {
        private final boolean unmodifiable;

        MapCopy(boolean unmodifiable) {
            this.unmodifiable = unmodifiable;
        }

        @Override
        public void write(Kryo kryo, Output output, Map<Object, Object> map) {
            List<Map.Entry<Object, Object>> snapshot = new ArrayList<>(map.entrySet());
            output.writeVarInt(snapshot.size(), true);
            for (Map.Entry<Object, Object> entry : snapshot) {
                kryo.writeClassAndObject(output, entry.getKey());
                kryo.writeClassAndObject(output, entry.getValue());
            }
        }

        @Override
        public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
            int size = input.readVarInt(true);
            Map<Object, Object> copy = new LinkedHashMap<>(size * 2);
            kryo.reference(copy);
            for (int i = 0; i < size; i++) {
                copy.put(kryo.readClassAndObject(input), kryo.readClassAndObject(input));
            }
            return unmodifiable ? Collections.unmodifiableMap(copy) : copy;
        }
    }
}
