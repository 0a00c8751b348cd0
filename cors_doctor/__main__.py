from cors_doctor.cli import main

main()
