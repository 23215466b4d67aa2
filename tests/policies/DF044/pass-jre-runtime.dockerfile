FROM eclipse-temurin:21-jre
COPY app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
