package org.parley.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The preprocessor changes exactly one answer: Felix HTTP's 500 for a request whose servlet was
 * unregistered before the request reached it (what Felix does then is played by the chain here:
 * the exception in the request's error attribute, then {@code sendError(500)}).
 */
class ServletLeftAnswerTest {
    /** What reached the real response. */
    private static final class Answer {
        Integer status;
        Integer sentError;
        final Map<String, String> headers = new HashMap<>();
        final StringWriter body = new StringWriter();
    }

    private final Map<String, Object> attributes = new HashMap<>();
    private final Answer answer = new Answer();
    private final HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getAttribute" -> attributes.get((String) args[0]);
                case "setAttribute" -> attributes.put((String) args[0], args[1]);
                case "getRequestURI" -> "/mail/arrived";
                default -> null;
            });
    private final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                case "setStatus" -> answer.status = (Integer) args[0];
                case "sendError" -> answer.sentError = (Integer) args[0];
                case "setHeader" -> answer.headers.put((String) args[0], (String) args[1]);
                case "getWriter" -> new PrintWriter(answer.body, true);
                case "isCommitted" -> false;
                default -> null;
            });

    /** Felix HTTP's dispatcher after its handler threw {@code exception}. */
    private FilterChain felixFailing(ServletException exception) {
        return (req, res) -> {
            req.setAttribute(RequestDispatcher.ERROR_EXCEPTION, exception);
            ((HttpServletResponse) res).setStatus(500);
            ((HttpServletResponse) res).sendError(500);
        };
    }

    @Test
    void aServletThatLeftBeforeTheRequestReachedItIsAnswered503WithRetryAfter() throws Exception {
        new ServletLeftAnswer().doFilter(request, response, felixFailing(new ServletException("Servlet has been unregistered")));
        assertEquals(503, answer.status);
        assertNull(answer.sentError, "no error page: the stand-in's own answer");
        assertEquals("5", answer.headers.get("Retry-After"));
        assertEquals("no-store", answer.headers.get("Cache-Control"));
        assertTrue(answer.body.toString().contains("being upgraded"), answer.body.toString());
    }

    @Test
    void anyOtherServerErrorStaysA500() throws Exception {
        new ServletLeftAnswer().doFilter(request, response, felixFailing(new ServletException("the servlet failed")));
        assertEquals(500, answer.sentError);
        assertNull(answer.headers.get("Retry-After"));

        answer.sentError = null;
        attributes.clear();
        new ServletLeftAnswer().doFilter(request, response, felixFailing(
                new ServletException("Servlet has been unregistered", new IllegalStateException("a servlet's own exception"))));
        assertEquals(500, answer.sentError, "a servlet's own exception with that text is not Felix's");
        assertNull(answer.headers.get("Retry-After"));
    }

    @Test
    void otherErrorsAndAnswersPassUnchanged() throws Exception {
        attributes.put(RequestDispatcher.ERROR_EXCEPTION, new ServletException("Servlet has been unregistered"));
        new ServletLeftAnswer().doFilter(request, response, (req, res) -> ((HttpServletResponse) res).sendError(404));
        assertEquals(404, answer.sentError, "only a 500 is Felix's answer to a servlet that left");

        answer.sentError = null;
        attributes.clear();
        new ServletLeftAnswer().doFilter(request, response, (req, res) -> ((HttpServletResponse) res).setStatus(200));
        assertEquals(200, answer.status);
        assertNull(answer.sentError);
    }
}
