package org.parley.probe.http.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * A servlet at {@value #PATH} answering {@code 200 here}, and a filter in front of it: a request
 * with the query {@code leave} makes the filter unregister the servlet and then pass the request
 * on, so it reaches the servlet's handler after the servlet has gone, as a request does that
 * arrives at the instant a bundle serving a path is replaced. The filter registers the servlet
 * again once that request is answered.
 */
@Component(service = Filter.class, property = {"osgi.http.whiteboard.filter.pattern=" + LeavingServlet.PATH})
public final class LeavingServlet implements Filter {
    static final String PATH = "/probe/leaving";

    private final BundleContext context;
    private ServiceRegistration<Servlet> servlet; // guarded by this

    @Activate
    public LeavingServlet(BundleContext context) {
        this.context = context;
        register();
    }

    private synchronized void register() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("osgi.http.whiteboard.servlet.pattern", PATH);
        servlet = context.registerService(Servlet.class, new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getWriter().write("here");
            }
        }, properties);
    }

    private synchronized void unregister() {
        if (servlet != null) {
            servlet.unregister();
            servlet = null;
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!"leave".equals(((HttpServletRequest) request).getQueryString())) {
            chain.doFilter(request, response);
            return;
        }
        unregister();
        try {
            chain.doFilter(request, response);
        } finally {
            register();
        }
    }

    @Deactivate
    void deactivate() {
        unregister();
    }
}
