package org.parley.http.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.Preprocessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other half of {@link EndpointStandby}: a request Felix HTTP matched to a servlet an instant
 * before the servlet was unregistered reaches its handler after the servlet has gone, and Felix
 * answers it {@code 500} ("Servlet has been unregistered"). That request came during an upgrade
 * exactly like the ones the stand-in answers a moment later, so it gets the same {@code 503} with
 * {@code Retry-After}: a caller retries it instead of taking a server error as final.
 *
 * <p>Felix catches the exception itself (and logs it at ERROR), puts it in the request's
 * {@code jakarta.servlet.error.exception} attribute and calls {@code sendError(500)}: a
 * preprocessor sees no exception, so it wraps the response and changes that one answer. Felix gives
 * no other sign of this case than the exception's message; {@code ServletLeftAnswerTest} and the
 * itest {@code HttpEndpointLeavingTest} pin it for the Felix HTTP we ship.
 */
@Component(service = Preprocessor.class)
public final class ServletLeftAnswer implements Preprocessor {
    private static final Logger LOG = LoggerFactory.getLogger(ServletLeftAnswer.class);
    /** What Felix HTTP's {@code ServletHandler.handle} throws when its servlet was destroyed. */
    static final String FELIX_SERVLET_GONE = "Servlet has been unregistered";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer) {
            chain.doFilter(request, new Watched(http, answer));
        } else {
            chain.doFilter(request, response);
        }
    }

    static boolean servletLeft(HttpServletRequest request) {
        return request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof ServletException e
                && e.getCause() == null && FELIX_SERVLET_GONE.equals(e.getMessage());
    }

    /** The response as the servlet chain sees it: only a 500 for a servlet that left is changed. */
    private static final class Watched extends HttpServletResponseWrapper {
        private final HttpServletRequest request;

        Watched(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
        }

        @Override
        public void sendError(int status) throws IOException {
            sendError(status, null);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            if (status == SC_INTERNAL_SERVER_ERROR && !isCommitted() && servletLeft(request)) {
                LOG.info("HTTPS {} reached its servlet as it was unregistered: answered 503 (Retry-After), as the stand-in does"
                        + " (the ERROR 'Servlet has been unregistered' from org.apache.felix.http is this request)", request.getRequestURI());
                resetBuffer();
                EndpointStandby.StandInServlet.answerUnavailable((HttpServletResponse) getResponse());
            } else if (message == null) {
                super.sendError(status);
            } else {
                super.sendError(status, message);
            }
        }
    }
}
