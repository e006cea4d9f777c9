package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.auth.Authorizer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CurrentAuthorizerTest {

    @Test
    void forwardsEveryMethodOfTheInterface() {
        for (Method m : Authorizer.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertThat(Arrays.stream(CurrentAuthorizer.class.getDeclaredMethods())
                    .anyMatch(d -> d.getName().equals(m.getName())
                            && Arrays.equals(d.getParameterTypes(), m.getParameterTypes())))
                    .as("CurrentAuthorizer forwards %s", m).isTrue();
        }
    }
}
