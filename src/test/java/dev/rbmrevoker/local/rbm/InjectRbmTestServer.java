package dev.rbmrevoker.local.rbm;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a field of a test using {@link RbmTestServerResource} to receive its running {@link RbmTestServer}. */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface InjectRbmTestServer {
}
