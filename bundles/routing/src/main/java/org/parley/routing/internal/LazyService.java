package org.parley.routing.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A bound service obtained from the framework on first use, not when routing binds it. Most
 * services routing binds (iq handlers, interceptors, components) reference routing themselves, to
 * answer; getting them while routing activates would be a cycle, which SCR refuses and then never
 * binds them. Taken on first use, on a routing thread, they activate after routing.
 */
final class LazyService<T> {
    private final BundleContext context;
    private final ServiceReference<T> reference;
    private volatile T service;
    private boolean released;

    LazyService(BundleContext context, ServiceReference<T> reference) {
        this.context = context;
        this.reference = reference;
    }

    /** The service left between routing picking it and calling it: the caller asks for its successor. */
    static final class GoneException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        GoneException(String message) {
            super(message);
        }
    }

    /** @throws GoneException when the service is gone (it was unregistered meanwhile) */
    T get() {
        T s = service;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (service == null && !released) {
                service = context.getService(reference);
            }
            if (service == null) {
                throw new GoneException("the service " + reference + " is gone");
            }
            return service;
        }
    }

    synchronized void release() {
        released = true;
        if (service != null) {
            service = null;
            context.ungetService(reference);
        }
    }
}
